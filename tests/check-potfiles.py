#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""po/POTFILES.in lists exactly the files with translatable strings.

Fails, naming them, when a file under src/, ui/ or data/ marks strings for
translation (_(), N_(), C_(), NC_(), g_dngettext(), translatable="yes", a
desktop file or metainfo template, a GSettings schema with a summary) but
is not listed, or when a listed file does not exist. TAP output.

  check-potfiles.py SOURCE_ROOT
"""
import os
import re
import sys

C_MARKERS = re.compile(r'(?<![A-Za-z0-9_])(?:_|N_|C_|NC_|Q_|g_dngettext|g_dpgettext2|g_dcgettext)\s*\(')
UI_MARKER = re.compile(r'translatable="yes"')


def translatable(path):
    name = os.path.basename(path)
    if name.endswith(('.desktop.in', '.metainfo.xml.in')):
        return True
    with open(path, encoding='utf-8') as f:
        text = f.read()
    if name.endswith(('.c', '.h')):
        return C_MARKERS.search(text) is not None
    if name.endswith('.ui'):
        return UI_MARKER.search(text) is not None
    if name.endswith('.gschema.xml'):
        return '<summary>' in text or '<description>' in text
    return False


def main():
    top = sys.argv[1]
    listed = []
    with open(os.path.join(top, 'po', 'POTFILES.in'), encoding='utf-8') as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith('#'):
                listed.append(line)

    found = []
    for folder in ('src', 'ui', 'data'):
        for root, dirs, files in os.walk(os.path.join(top, folder)):
            dirs.sort()
            for name in sorted(files):
                path = os.path.join(root, name)
                if translatable(path):
                    found.append(os.path.relpath(path, top))

    checks = [
        ('every file with translatable strings is in po/POTFILES.in',
         [f'{path} has translatable strings but is not in po/POTFILES.in'
          for path in found if path not in listed]),
        ('every file in po/POTFILES.in exists',
         [f'{path} is in po/POTFILES.in but does not exist'
          for path in listed if not os.path.isfile(os.path.join(top, path))]),
        ('po/POTFILES.in lists each file once',
         [f'{path} is listed more than once'
          for path in sorted(set(listed)) if listed.count(path) > 1]),
    ]

    print(f'1..{len(checks)}')
    failed = False
    for number, (title, problems) in enumerate(checks, 1):
        for problem in problems:
            print(f'# {problem}')
        print(f'{"not ok" if problems else "ok"} {number} - {title}')
        failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
