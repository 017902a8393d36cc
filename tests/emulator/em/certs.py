"""A throw-away CA and server certificate, made with the ``openssl`` command.

The standard library cannot create certificates. The extensions are the ones strict verifiers
demand (Python 3.13 sets VERIFY_X509_STRICT by default): a CA with critical basicConstraints,
keyUsage keyCertSign and a subject key id; a leaf with SAN localhost/127.0.0.1, an authority key
id and extendedKeyUsage serverAuth. ``--tls`` clients trust ``ca.pem`` (ready-file line 2).
"""

from __future__ import annotations

import os
import shutil
import subprocess

_CA_EXTENSIONS = """\
[req]
distinguished_name = dn
prompt = no
[dn]
CN = veeam_em.query emulator CA
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
"""

_LEAF_EXTENSIONS = """\
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
"""


class CertificateError(RuntimeError):
    """openssl is missing or failed."""


def _run(args: list[str], cwd: str) -> None:
    try:
        subprocess.run(args, cwd=cwd, check=True, capture_output=True, text=True)
    except FileNotFoundError:
        raise CertificateError("--tls needs the 'openssl' command to create the emulator's certificate, "
                               "and it was not found on PATH; install openssl or run without --tls") from None
    except subprocess.CalledProcessError as exc:
        raise CertificateError("openssl failed (%s): %s" % (" ".join(args[:3]), exc.stderr.strip())) from None


def make_certificates(directory: str) -> tuple[str, str, str]:
    """Create CA and leaf in ``directory``; returns (ca.pem, server.pem, server.key)."""
    if shutil.which("openssl") is None:
        raise CertificateError("--tls needs the 'openssl' command to create the emulator's certificate, "
                               "and it was not found on PATH; install openssl or run without --tls")
    with open(os.path.join(directory, "ca.cnf"), "w", encoding="utf-8") as handle:
        handle.write(_CA_EXTENSIONS)
    with open(os.path.join(directory, "leaf.ext"), "w", encoding="utf-8") as handle:
        handle.write(_LEAF_EXTENSIONS)
    # EC P-256 keys: generated in milliseconds, unlike RSA.
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _run(["openssl", "req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "30",
          "-config", "ca.cnf", "-extensions", "ca_ext", "-sha256"], directory)
    _run(["openssl", "req", "-new", *ec, "-keyout", "server.key", "-out", "server.csr",
          "-subj", "/CN=localhost", "-config", "ca.cnf"], directory)
    _run(["openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
          "-CAcreateserial", "-out", "server.pem", "-days", "30", "-sha256", "-extfile", "leaf.ext"], directory)
    return (os.path.join(directory, "ca.pem"), os.path.join(directory, "server.pem"),
            os.path.join(directory, "server.key"))
