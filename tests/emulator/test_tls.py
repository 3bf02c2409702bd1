"""HTTPS with a test CA made here: trusted with the CA, refused without it."""

from __future__ import annotations

import datetime
import ipaddress

import pytest
import requests
from conftest import Api
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from emulator_process import EmulatorProcess


def make_ca_and_server_cert(folder):
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Zequenze emulator test CA")])
    ca_cert = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                    x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    paths = {name: folder / f"{name}.pem" for name in ("ca", "cert", "key")}
    paths["ca"].write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    paths["cert"].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths["key"].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
    return paths


@pytest.fixture(scope="module")
def https_emulator(tmp_path_factory):
    paths = make_ca_and_server_cert(tmp_path_factory.mktemp("tls"))
    with EmulatorProcess(tls_cert=paths["cert"], tls_key=paths["key"], ca_file=str(paths["ca"])) as process:
        yield process, paths


def test_https_with_the_test_ca(https_emulator):
    process, paths = https_emulator
    assert process.base_url.startswith("https://")
    api = Api(process, "demo-token", verify=str(paths["ca"]))
    created = api.create()
    page = api.get().json()
    assert page["results"][0]["id"] == created["id"]
    assert page["count"] == 1


def test_next_links_keep_https(https_emulator):
    process, paths = https_emulator
    api = Api(process, "demo-token", verify=str(paths["ca"]))
    api.create()
    assert api.get(page_size=1).json()["next"].startswith(f"https://127.0.0.1:{process.port}/")


def test_untrusted_certificate_is_refused(https_emulator):
    process, _ = https_emulator
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(process.base_url + "/healthz", timeout=5, verify=True)


def test_plain_http_is_not_served(https_emulator):
    process, _ = https_emulator
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(f"http://127.0.0.1:{process.port}/healthz", timeout=5)
