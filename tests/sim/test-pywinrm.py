#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# An independent client against the simulator: pywinrm (Debian python3-winrm) with NTLM and
# message encryption, as Ansible talks to a stock Hyper-V host (HTTP, Negotiate,
# AllowUnencrypted=false, no Basic). It sends Identify and an Enumerate and reads the answers;
# a wrong password and an unsealed message are refused as WinRM refuses them.
#
# pywinrm's NTLM needs MD4, which OpenSSL 3 keeps in its legacy provider: the client (only)
# runs with an OPENSSL_CONF that loads it.

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid

SKIP = 77

try:
    import winrm  # noqa: F401
    from winrm.exceptions import InvalidCredentialsError, WinRMTransportError
    from winrm.protocol import Protocol
except ImportError as e:
    print(f"SKIP: pywinrm is not installed (python3-winrm): {e}")
    sys.exit(SKIP)

USER = "Administrator"
PASSWORD = "Stock-P@ss1"

SCENARIO = {
    "hyperv_hosts": [{
        "name": "hv-stock", "user": USER, "password": PASSWORD,
        "auth": ["negotiate"], "allow_unencrypted": False,
        "vms": [{"name": "gold-image", "disk_gb": 10, "state": "off"},
                {"name": "desk-001", "disk_gb": 10, "state": "running"}],
    }]
}

OPENSSL_LEGACY = """openssl_conf = openssl_init
[openssl_init]
providers = provider_sect
[provider_sect]
default = default_sect
legacy = legacy_sect
[default_sect]
activate = 1
[legacy_sect]
activate = 1
"""

IDENTIFY = ('<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
            'xmlns:wsmid="http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd">'
            '<s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>')

V2 = "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/"


def enumerate_envelope(url):
    return (
        '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
        'xmlns:n="http://schemas.xmlsoap.org/ws/2004/09/enumeration" '
        'xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"><s:Header>'
        f'<a:To>{url}</a:To>'
        f'<w:ResourceURI s:mustUnderstand="true">{V2}*</w:ResourceURI>'
        '<a:ReplyTo><a:Address s:mustUnderstand="true">'
        'http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo>'
        '<a:Action s:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate</a:Action>'
        '<w:MaxEnvelopeSize s:mustUnderstand="true">153600</w:MaxEnvelopeSize>'
        f'<a:MessageID>uuid:{uuid.uuid4()}</a:MessageID>'
        '<w:OperationTimeout>PT60S</w:OperationTimeout></s:Header><s:Body>'
        '<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>32</w:MaxElements>'
        '<w:Filter Dialect="http://schemas.microsoft.com/wbem/wsman/1/WQL">'
        "SELECT * FROM Msvm_ComputerSystem WHERE Caption = 'Virtual Machine'</w:Filter>"
        '</n:Enumerate></s:Body></s:Envelope>')


def client(url, password, encryption):
    return Protocol(endpoint=url, transport="ntlm", username=USER, password=password,
                    message_encryption=encryption, read_timeout_sec=30, operation_timeout_sec=20)


def run_client(url):
    failures = []

    def check(condition, what):
        print(("ok: " if condition else "FAIL: ") + what)
        if not condition:
            failures.append(what)

    p = client(url, PASSWORD, "always")
    answer = p.send_message(IDENTIFY).decode()
    check("IdentifyResponse" in answer and "OS: 10.0.20348" in answer,
          "sealed Identify answered, authenticated")

    answer = p.send_message(enumerate_envelope(url)).decode()
    check("EnumerateResponse" in answer and "gold-image" in answer and "desk-001" in answer,
          "sealed Enumerate lists the host's VMs")

    # The same connection again: the sequence numbers go on.
    answer = p.send_message(IDENTIFY).decode()
    check("IdentifyResponse" in answer, "a third sealed message on the same context")

    try:
        client(url, "not-the-password", "always").send_message(IDENTIFY)
        check(False, "a wrong password is refused")
    except InvalidCredentialsError:
        check(True, "a wrong password is refused")

    # AllowUnencrypted=false: NTLM without sealing gets WinRM's bare 401.
    try:
        client(url, PASSWORD, "never").send_message(IDENTIFY)
        check(False, "an unsealed message is refused")
    except (InvalidCredentialsError, WinRMTransportError):
        check(True, "an unsealed message is refused")

    return 1 if failures else 0


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--client":
        return run_client(sys.argv[2])

    sim = os.environ.get("VDI_PROVIDER_SIM")
    if not sim:
        print("VDI_PROVIDER_SIM is not set")
        return 1

    with tempfile.TemporaryDirectory(prefix="vdi-pywinrm-") as tmp:
        scenario = os.path.join(tmp, "stock.json")
        with open(scenario, "w") as f:
            json.dump(SCENARIO, f)
        openssl_conf = os.path.join(tmp, "openssl-legacy.cnf")
        with open(openssl_conf, "w") as f:
            f.write(OPENSSL_LEGACY)

        sim_env = dict(os.environ)
        sim_env.pop("OPENSSL_CONF", None)
        proc = subprocess.Popen([sim, "--scenario", scenario], stdout=subprocess.PIPE,
                                env=sim_env, text=True)
        try:
            line = proc.stdout.readline()
            if not line:
                print("the simulator did not start")
                return 1
            url = json.loads(line)["providers"][0]["url"]

            client_env = dict(os.environ, OPENSSL_CONF=openssl_conf)
            started = time.monotonic()
            result = subprocess.run([sys.executable, __file__, "--client", url], env=client_env,
                                    timeout=120)
            print(f"pywinrm finished in {time.monotonic() - started:.1f} s")
            return result.returncode
        finally:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
