"""Entry point of a SPARQL worker process: ``python -m kg.serve.worker FD STORE [MAX_MEMORY_MB]``.

Started by :class:`kg.serve.sparql.QueryPool` with one end of a socket pair as FD. A separate module (not
``kg.serve.sparql`` run as ``__main__``) so that the answers it sends unpickle as ``kg.serve.sparql`` types.
"""

from __future__ import annotations

import sys
from multiprocessing.connection import Connection

from kg.serve.sparql import worker_main

if __name__ == "__main__":
    worker_main(Connection(int(sys.argv[1])), sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 0)
