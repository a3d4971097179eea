# Dates and times as Colombian readers write them: "lun. 7 dic. 2026, 10:00 COT" (month
# abbreviations in lower case: `b`, where `M` would capitalize them),
# "7 de diciembre de 2026", "07/12/2026 10:00"; the week starts on Monday; 1.234,5.
DATE_FORMAT = r"j \d\e F \d\e Y"
DATETIME_FORMAT = r"D. j b. Y, H:i T"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = r"F \d\e Y"
MONTH_DAY_FORMAT = r"j \d\e F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
