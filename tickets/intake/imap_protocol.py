"""What the IMAP conversation says, read and written: the server's answers as text, quoted
folder names, capabilities, UIDVALIDITY, UIDs, sizes and arrival dates of fetched messages."""

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


def quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


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
