"""Publishing a release: release files, the DCAT-AP-NL catalogue with VoID, static pages, upload."""
