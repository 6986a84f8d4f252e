"""A self-signed certificate for the simulators' TLS port, made once and reused.

Its key, and the key the SendGrid simulator signs events with, are private files.
"""
import base64
import datetime
import ipaddress
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.private_files import restrict, write_private


def ensure_certificate(cert_path: Path, key_path: Path) -> None:
    """Write a certificate for localhost/127.0.0.1 unless one is already there."""
    if cert_path.exists() and key_path.exists():
        restrict(key_path)
        return
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Herald sandbox")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.DNSName("localhost"),
                    x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                    x509.IPAddress(ipaddress.ip_address("::1")),
                ]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    write_private(key_path, key.private_bytes(serialization.Encoding.PEM,
                                              serialization.PrivateFormat.PKCS8,
                                              serialization.NoEncryption()))
    write_private(cert_path, cert.public_bytes(serialization.Encoding.PEM))


WEBHOOK_KEY_FILE = "sendgrid-webhook.pem"  # beside the sandbox certificate


def ensure_webhook_key(key_path: Path) -> str:
    """Make (once) the key the SendGrid simulator signs events with; return the public half.

    The public key comes back as SendGrid shows its "verification key": base64 DER.
    """
    if key_path.exists():
        restrict(key_path)
    else:  # processes that start together all keep the key written first
        key = ec.generate_private_key(ec.SECP256R1())
        write_private(key_path, key.private_bytes(serialization.Encoding.PEM,
                                                  serialization.PrivateFormat.PKCS8,
                                                  serialization.NoEncryption()), replace=False)
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    der = key.public_key().public_bytes(serialization.Encoding.DER,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode()
