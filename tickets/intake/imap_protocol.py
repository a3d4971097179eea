"""What the IMAP conversation says, read and written: the server's answers as text, quoted
folder names, capabilities, UIDVALIDITY, UIDs, sizes and arrival dates of fetched messages."""

import base64
import re
from datetime import datetime

UIDVALIDITY = re.compile(rb"UIDVALIDITY (\d+)")
UID = re.compile(rb"\bUID (\d+)")
SIZE = re.compile(rb"RFC822\.SIZE (\d+)")
INTERNALDATE = re.compile(rb'INTERNALDATE "([^"]+)"')


def text_of(data) -> str:
    parts = [
        item.decode(errors="replace") if isinstance(item, bytes) else str(item)
        for item in data or []
        if item
    ]
    return " ".join(parts)


def folder_name(folder: str) -> str:
    """``folder`` as IMAP names folders (RFC 3501, 5.1.3: "modified UTF-7"): printable ASCII
    as itself, "&" as "&-", any other run of characters as its UTF-16 in base64 (with ","
    for "/") between "&" and "-". So "Atención al cliente" is "Atenci&APM-n al cliente"."""
    parts: list[str] = []
    run: list[str] = []

    def close_run() -> None:
        if run:
            encoded = base64.b64encode("".join(run).encode("utf-16-be")).decode("ascii")
            parts.append("&" + encoded.rstrip("=").replace("/", ",") + "-")
            run.clear()

    for char in folder:
        if " " <= char <= "~":
            close_run()
            parts.append("&-" if char == "&" else char)
        else:
            run.append(char)
    close_run()
    return "".join(parts)


def quoted(folder: str) -> str:
    """``folder`` as a quoted IMAP string, in IMAP's encoding of folder names."""
    name = folder_name(folder)
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def capabilities_of(client) -> set[str]:
    status, data = client.capability()
    if status == "OK" and data:
        return {word.upper() for word in text_of(data).split()}
    return {str(word).upper() for word in client.capabilities}


def uidvalidity_of(client, folder: str) -> int | None:
    _typ, data = client.response("UIDVALIDITY")
    for item in data or []:
        if item:
            return int(item)
    _status, data = client.status(quoted(folder), "(UIDVALIDITY)")
    match = UIDVALIDITY.search(b" ".join(data or [b""]))
    return int(match.group(1)) if match else None


def internal_date(envelope: bytes) -> datetime | None:
    match = INTERNALDATE.search(envelope)
    if not match:
        return None
    try:
        return datetime.strptime(match.group(1).decode().strip(), "%d-%b-%Y %H:%M:%S %z")
    except ValueError:
        return None
