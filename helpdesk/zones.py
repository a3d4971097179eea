"""Time-zone names as people read them: "COT", "PST", or "UTC−05:00", never a bare "-05".

tzdata gives many zones no abbreviation at all (America/Bogota's is literally "-05"), and
Django's ``T`` date format and ``%Z`` print whatever the zone's ``tzname`` says. A
:class:`ReadableZone` is a ``ZoneInfo`` whose ``tzname`` falls back to the customary
abbreviation of well-known zones, then to "UTC±hh:mm". Activate it (``readable_zone``) wherever
the product shows times in a person's zone.
"""

import functools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

MINUS = "\u2212"

# Zones whose tzdata abbreviation is a bare offset, with the abbreviation their people use:
# (standard time, daylight-saving time).
_BRAZIL = ("BRT", "BRST")
_AMAZON = ("AMT", "AMST")
_ARGENTINA = ("ART", "ARST")
CUSTOMARY: dict[str, tuple[str, str]] = {
    "America/Bogota": ("COT", "COST"),
    "America/Lima": ("PET", "PEST"),
    "America/Guayaquil": ("ECT", "ECST"),
    "America/Caracas": ("VET", "VET"),
    "America/La_Paz": ("BOT", "BOT"),
    "America/Santiago": ("CLT", "CLST"),
    "America/Punta_Arenas": ("CLT", "CLT"),
    "America/Asuncion": ("PYT", "PYST"),
    "America/Montevideo": ("UYT", "UYST"),
    "America/Guyana": ("GYT", "GYT"),
    "America/Paramaribo": ("SRT", "SRT"),
    "America/Cayenne": ("GFT", "GFT"),
    "America/Noronha": ("FNT", "FNST"),
    "America/Rio_Branco": ("ACT", "ACST"),
    "America/Eirunepe": ("ACT", "ACST"),
    "America/Miquelon": ("PMST", "PMDT"),
    "America/Nuuk": ("WGT", "WGST"),
    **{
        f"America/{city}": _BRAZIL
        for city in (
            "Sao_Paulo",
            "Bahia",
            "Fortaleza",
            "Recife",
            "Belem",
            "Maceio",
            "Araguaina",
            "Santarem",
        )
    },
    **{
        f"America/{city}": _AMAZON
        for city in ("Manaus", "Cuiaba", "Campo_Grande", "Porto_Velho", "Boa_Vista")
    },
    "America/Buenos_Aires": _ARGENTINA,
    "America/Cordoba": _ARGENTINA,
    "America/Mendoza": _ARGENTINA,
    **{
        f"America/Argentina/{city}": _ARGENTINA
        for city in (
            "Buenos_Aires",
            "Catamarca",
            "Cordoba",
            "Jujuy",
            "La_Rioja",
            "Mendoza",
            "Rio_Gallegos",
            "Salta",
            "San_Juan",
            "San_Luis",
            "Tucuman",
            "Ushuaia",
        )
    },
    "Asia/Dubai": ("GST", "GST"),
    "Asia/Muscat": ("GST", "GST"),
    "Asia/Riyadh": ("AST", "AST"),
    "Asia/Qatar": ("AST", "AST"),
    "Asia/Tehran": ("IRST", "IRDT"),
    "Asia/Baku": ("AZT", "AZST"),
    "Asia/Tbilisi": ("GET", "GET"),
    "Asia/Yerevan": ("AMT", "AMST"),
    "Asia/Tashkent": ("UZT", "UZT"),
    "Asia/Almaty": ("ALMT", "ALMT"),
    "Asia/Dhaka": ("BST", "BST"),
    "Asia/Kathmandu": ("NPT", "NPT"),
    "Asia/Bangkok": ("ICT", "ICT"),
    "Asia/Ho_Chi_Minh": ("ICT", "ICT"),
    "Asia/Kuala_Lumpur": ("MYT", "MYT"),
    "Asia/Singapore": ("SGT", "SGT"),
    "Asia/Manila": ("PHT", "PHT"),
    "Europe/Istanbul": ("TRT", "TRT"),
    "Europe/Samara": ("SAMT", "SAMT"),
    "Atlantic/Azores": ("AZOT", "AZOST"),
    "Atlantic/Cape_Verde": ("CVT", "CVT"),
}


def offset_label(offset: timedelta | None) -> str:
    """ "UTC−05:00", "UTC+05:30", "UTC" for a UTC offset."""
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else MINUS
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def _is_bare_offset(name: str | None) -> bool:
    return not name or name[0] in "+-"


class ReadableZone(ZoneInfo):
    """A zone whose ``tzname`` is always something people read."""

    def tzname(self, dt):
        name = super().tzname(dt)
        if dt is None or not _is_bare_offset(name):
            # Without a moment there is no name (Django then names the zone by its key).
            return name
        customary = CUSTOMARY.get(self.key)
        if customary:
            return customary[1] if self.dst(dt) else customary[0]
        return offset_label(self.utcoffset(dt))


@functools.cache
def readable_zone(key: str) -> ReadableZone:
    """The zone ``key`` (e.g. "America/Bogota") with readable abbreviations. Kept once
    made: a ZoneInfo subclass holds its zones weakly, so each call read the zone file from
    disk again."""
    return ReadableZone(key)


def zone_abbreviation(moment: datetime) -> str:
    """The readable abbreviation of an aware datetime's zone at that moment."""
    key = getattr(moment.tzinfo, "key", None)
    if key and not isinstance(moment.tzinfo, ReadableZone):
        return readable_zone(key).tzname(moment)
    name = moment.tzname()
    return offset_label(moment.utcoffset()) if _is_bare_offset(name) else name
