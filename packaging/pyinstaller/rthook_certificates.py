"""Runtime hook: HTTPS keeps working on a Linux machine without a system CA store.

Anthropic and OpenAI (httpx2) verify against the system's CA store on Linux, found through the
bundled OpenSSL's compiled-in paths or the usual distribution files; Ollama's client (httpx)
uses certifi's bundle, which the bundle carries. Only when the machine has no CA store at all,
and the user named none (SSL_CERT_FILE / SSL_CERT_DIR), point everything at certifi's bundle
rather than fail every HTTPS connection. A file check only: no ssl import at start-up.
"""


def _point_at_certifi_if_no_system_store():
    import os
    import sys

    if not sys.platform.startswith("linux") or os.environ.get("SSL_CERT_FILE") or os.environ.get("SSL_CERT_DIR"):
        return
    files = ("/etc/ssl/certs/ca-certificates.crt", "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
             "/etc/pki/tls/cert.pem", "/etc/ssl/cert.pem", "/etc/ssl/ca-bundle.pem", "/usr/lib/ssl/cert.pem")
    if any(os.path.isfile(path) for path in files):
        return
    bundled = os.path.join(sys._MEIPASS, "certifi", "cacert.pem")
    if os.path.isfile(bundled):
        os.environ["SSL_CERT_FILE"] = bundled


_point_at_certifi_if_no_system_store()
del _point_at_certifi_if_no_system_store
