import subprocess
import sys

from knowledge.tokens import count_tokens, truncate_tokens


def test_count_and_truncate() -> None:
    text = "Hei! Jeg har ikke fått pakken min ennå, ordrenummer 48213977."
    n = count_tokens(text)
    assert n > 5
    short = truncate_tokens(text, 5)
    assert count_tokens(short) <= 5
    assert text.startswith(short)
    assert truncate_tokens(text, 1000) == text


def test_encoding_loads_without_network() -> None:
    code = (
        "import socket\n"
        "def refuse(*a, **k):\n"
        "    raise OSError('network used')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "socket.getaddrinfo = refuse\n"
        "from knowledge.tokens import count_tokens\n"
        "print(count_tokens('Kva er leveringstida til Florø?'))\n"
    )
    env = {"PATH": "/usr/bin:/bin", "TIKTOKEN_CACHE_DIR": "/nonexistent-cache"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout.strip()) > 3
