"""English date formats: the one way the site writes moments ("Tue 15 Dec 2026, 5:00 PM EST").

The same as lib.timezones.format_moment, which legal deadlines use with the consortium's zone.
Django's own English format ends a time in "p.m.", which doubled the period at a sentence's end
("by Dec. 15, 2026, 5 p.m.."); "PM" does not.
"""

DATETIME_FORMAT = "D j M Y, g:i A T"
DATE_FORMAT = "j M Y"
TIME_FORMAT = "g:i A"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d g:i A T"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "M Y"
