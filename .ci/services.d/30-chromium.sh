# Sourced by .ci/run: headless Chromium and its driver for tests/test_browser.py (Debian packages, no
# browser download). Installs them when missing; exports where they are.
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  echo "installing chromium and chromium-driver"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
fi
export KG_TEST_CHROMIUM=/usr/bin/chromium
export KG_TEST_CHROMEDRIVER=/usr/bin/chromedriver
echo "chromium: $("$KG_TEST_CHROMIUM" --version 2>/dev/null || echo missing)"
