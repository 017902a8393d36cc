"""Offline stand-in for ansible-test's get-pip download.

ansible-test bootstraps pip in every venv it makes by downloading
https://ci-files.testing.ansible.com/ansible-test/get-pip-<version>.py, a host these machines
cannot reach. It runs: python get_pip.py --disable-pip-version-check pip==X [--no-setuptools] [--no-wheel]
This script bootstraps the pip bundled with CPython (ensurepip), then lets that pip install the
requested packages from the configured index.
"""
import subprocess
import sys

args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
# ensurepip must run in a child: in-process it sets PIP_CONFIG_FILE=/dev/null, which hides
# /etc/pip.conf (the CA bundle and index settings) from the pip install below.
subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade"])
subprocess.check_call([sys.executable, "-m", "pip", "install"] + args)
