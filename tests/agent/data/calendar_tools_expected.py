#!/usr/bin/env python3
"""Writes calendar_tools_expected.jsonl: calls of the built-in date tools over 1900-2100 and the
results Python's datetime gives for them (an implementation independent of agent/calendar_date).
Run from this folder: python3 calendar_tools_expected.py > calendar_tools_expected.jsonl
Each line: {"tool": NAME, "args": {...}, "expect": {"date": ..., "weekday_en": ...} or {"days": N}}.
Weeks run Monday..Sunday; a month/year shift keeps the day of the month or takes the month's last
day when it is shorter."""
import calendar
import datetime
import json
import random

FIRST = datetime.date(1900, 1, 1)
LAST = datetime.date(2100, 12, 31)
SPAN = (LAST - FIRST).days
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
RULES = ["after", "on_or_after", "before", "this_week", "next_week", "last_week"]


def some_date(rng):
    if rng.random() < 0.2:  # month ends and leap days
        year = rng.randint(1900, 2100)
        month = rng.randint(1, 12)
        return datetime.date(year, month, calendar.monthrange(year, month)[1])
    return FIRST + datetime.timedelta(days=rng.randint(0, SPAN))


def described(d):
    return {"date": d.isoformat(), "weekday_en": WEEKDAYS[d.weekday()]}


def shift_months(d, months):
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    return datetime.date(year, month + 1, min(d.day, calendar.monthrange(year, month + 1)[1]))


def find_weekday(d, weekday, rule):
    target = WEEKDAYS.index(weekday)
    step = datetime.timedelta(days=1)
    if rule in ("after", "on_or_after", "before"):
        c = d if rule == "on_or_after" else (d + step if rule == "after" else d - step)
        while c.weekday() != target:
            c = c - step if rule == "before" else c + step
        return c
    monday = d - datetime.timedelta(days=d.weekday())
    weeks = {"this_week": 0, "next_week": 1, "last_week": -1}[rule]
    return monday + datetime.timedelta(days=7 * weeks + target)


def next_occurrence(d, month, day):
    year = d.year
    while True:
        try:
            c = datetime.date(year, month, day)
            if c >= d:
                return c
        except ValueError:
            pass
        year += 1


def main():
    rng = random.Random(20261207)
    lines = []
    for _ in range(250):
        d = some_date(rng)
        days = rng.choice([rng.randint(-40, 40), rng.randint(-3000, 3000)])
        to = d + datetime.timedelta(days=days)
        if FIRST <= to <= LAST:
            lines.append({"tool": "add_days", "args": {"date": d.isoformat(), "days": days},
                          "expect": described(to)})
        lines.append({"tool": "weekday", "args": {"date": d.isoformat()}, "expect": described(d)})
    for _ in range(250):
        a, b = some_date(rng), some_date(rng)
        lines.append({"tool": "days_between", "args": {"from": a.isoformat(), "to": b.isoformat()},
                      "expect": {"days": (b - a).days}})
    for _ in range(300):
        d = some_date(rng)
        if rng.random() < 0.7:
            args = {"date": d.isoformat(), "months": rng.choice([rng.randint(-14, 14),
                                                                 rng.randint(-600, 600)])}
            total = args["months"]
        else:
            args = {"date": d.isoformat(), "years": rng.randint(-60, 60)}
            total = 12 * args["years"]
        to = shift_months(d, total)
        if FIRST <= to <= LAST:
            lines.append({"tool": "add_months", "args": args, "expect": described(to)})
    for _ in range(400):
        d = some_date(rng)
        weekday, rule = rng.choice(WEEKDAYS), rng.choice(RULES)
        lines.append({"tool": "find_weekday",
                      "args": {"date": d.isoformat(), "weekday": weekday, "rule": rule},
                      "expect": described(find_weekday(d, weekday, rule))})
    for _ in range(300):
        d = some_date(rng)
        month = rng.randint(1, 12)
        day = 29 if month == 2 and rng.random() < 0.3 else rng.randint(
            1, calendar.monthrange(2001, month)[1])
        if rng.random() < 0.1:  # the date itself counts
            month, day = d.month, d.day
        lines.append({"tool": "next_occurrence",
                      "args": {"date": d.isoformat(), "month": month, "day": day},
                      "expect": described(next_occurrence(d, month, day))})
    for line in lines:
        print(json.dumps(line, sort_keys=True))


if __name__ == "__main__":
    main()
