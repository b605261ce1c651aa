#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""meson install --destdir into a temporary directory: the tree holds the
binaries, desktop file, D-Bus service, metainfo, schema, icons and
translations; each is valid; and the installed sixchat and sixchat-cli run
from the installed files alone. TAP output.

  test-install.py BUILD_ROOT PREFIX BINDIR DATADIR LOCALEDIR APP_ID VERSION LINGUAS_FILE
"""
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree

results = []


def check(title, problems, skip=None):
    results.append((title, problems, skip))


def tool(name):
    return shutil.which(name)


def run(argv, **kwargs):
    return subprocess.run(argv, capture_output=True, text=True, **kwargs)


def main():
    build_root, prefix, bindir, datadir, localedir, app_id, version, linguas_file = sys.argv[1:9]
    with open(linguas_file, encoding='utf-8') as f:
        languages = [word for line in f if not line.startswith('#') for word in line.split()]

    destdir = tempfile.mkdtemp(prefix='sixchat-install-')
    try:
        installed = run(['meson', 'install', '-C', build_root, '--destdir', destdir,
                         '--no-rebuild', '--quiet'])
        check('meson install --destdir', [] if installed.returncode == 0 else
              [line for line in (installed.stdout + installed.stderr).splitlines()[-20:]])
        if installed.returncode == 0:
            check_tree(destdir, prefix, bindir, datadir, localedir, app_id, version, languages,
                       build_root)
    finally:
        shutil.rmtree(destdir, ignore_errors=True)

    print(f'1..{len(results)}')
    for number, (title, problems, skip) in enumerate(results, 1):
        for problem in problems:
            print(f'# {problem}')
        if skip:
            print(f'ok {number} - {title} # SKIP {skip}')
        else:
            print(f'{"not ok" if problems else "ok"} {number} - {title}')
    return 1 if any(problems for _, problems, _ in results) else 0


def check_tree(destdir, prefix, bindir, datadir, localedir, app_id, version, languages, build_root):
    def inside(path):
        return os.path.join(destdir, os.path.relpath(path, '/'))

    bin_dir = inside(os.path.join(prefix, bindir))
    data_dir = inside(os.path.join(prefix, datadir))
    locale_dir = inside(os.path.join(prefix, localedir))
    desktop = os.path.join(data_dir, 'applications', f'{app_id}.desktop')
    metainfo = os.path.join(data_dir, 'metainfo', f'{app_id}.metainfo.xml')
    schema_dir = os.path.join(data_dir, 'glib-2.0', 'schemas')
    service = os.path.join(data_dir, 'dbus-1', 'services', f'{app_id}.service')
    icons = [os.path.join(data_dir, 'icons', 'hicolor', 'scalable', 'apps', f'{app_id}.svg'),
             os.path.join(data_dir, 'icons', 'hicolor', 'symbolic', 'apps', f'{app_id}-symbolic.svg')]
    catalogues = [os.path.join(locale_dir, language, 'LC_MESSAGES', 'sixchat.mo')
                  for language in languages]
    expected = [os.path.join(bin_dir, 'sixchat'), os.path.join(bin_dir, 'sixchat-cli'),
                desktop, metainfo, os.path.join(schema_dir, f'{app_id}.gschema.xml'), service]
    expected += icons + catalogues
    missing = [f'{os.path.relpath(path, destdir)} is missing'
               for path in expected if not os.path.isfile(path)]
    check('every file is installed', missing)
    if missing:
        return

    # Only the installed files: no build tree, no library path, not run from the build.
    env = {'PATH': '/usr/bin:/bin', 'LC_ALL': 'C.UTF-8', 'HOME': destdir}
    for program in ('sixchat', 'sixchat-cli'):
        ran = run([os.path.join(bin_dir, program), '--version'], env=env, cwd=destdir)
        problems = [] if ran.returncode == 0 else [f'exit status {ran.returncode}: {ran.stderr.strip()}']
        if ran.stdout != f'{program} {version}\n':
            problems.append(f'printed {ran.stdout!r}, not {program} {version}')
        check(f'the installed {program} --version runs', problems)

    readelf = tool('readelf')
    if readelf:
        problems = []
        for program in ('sixchat', 'sixchat-cli'):
            dynamic = run([readelf, '-d', os.path.join(bin_dir, program)]).stdout
            for line in dynamic.splitlines():
                if ('RPATH' in line or 'RUNPATH' in line) and os.path.realpath(build_root) in line:
                    problems.append(f'{program} looks for libraries in the build tree: {line.strip()}')
        check('the installed binaries do not point into the build tree', problems)
    else:
        check('the installed binaries do not point into the build tree', [], 'readelf is not installed')

    validator = tool('desktop-file-validate')
    if validator:
        ran = run([validator, desktop])
        check('desktop-file-validate', ran.stdout.splitlines() if ran.returncode or ran.stdout else [])
    else:
        check('desktop-file-validate', [], 'desktop-file-utils is not installed')

    with open(desktop, encoding='utf-8') as f:
        entry = f.read().splitlines()
    problems = [f'{line} is missing from the desktop file' for line in
                ('DBusActivatable=true', 'MimeType=x-scheme-handler/sixchat;', f'Icon={app_id}')
                if line not in entry]
    for language in languages:
        if not any(line.startswith(f'Comment[{language}]=') for line in entry):
            problems.append(f'the desktop file has no Comment[{language}]')
    check('the desktop file activates over D-Bus, handles sixchat: links and is translated', problems)

    appstreamcli = tool('appstreamcli')
    if appstreamcli:
        ran = run([appstreamcli, 'validate', '--no-net', '--explain', metainfo])
        check('appstreamcli validate --no-net', [] if ran.returncode == 0 else ran.stdout.splitlines())
    else:
        check('appstreamcli validate --no-net', [], 'appstream is not installed')

    ran = run(['glib-compile-schemas', '--strict', '--dry-run', schema_dir])
    check('glib-compile-schemas --strict --dry-run', [] if ran.returncode == 0 else
          ran.stderr.splitlines())

    with open(service, encoding='utf-8') as f:
        lines = f.read().splitlines()
    program = os.path.join(prefix, bindir, 'sixchat')
    problems = [f'{line} is missing from the D-Bus service file'
                for line in (f'Name={app_id}', f'Exec={program} --gapplication-service')
                if line not in lines]
    check('the D-Bus service starts the installed sixchat', problems)

    problems = []
    for icon in icons:
        try:
            root = ElementTree.parse(icon).getroot()
            if not root.tag.endswith('svg') or not root.get('viewBox'):
                problems.append(f'{os.path.basename(icon)} is not an SVG with a viewBox')
        except (OSError, ElementTree.ParseError) as error:
            problems.append(f'{os.path.basename(icon)}: {error}')
    check('the icons are SVG', problems)

    # A message of the app's command line, looked up in the installed catalogue.
    gettext = tool('gettext')
    if gettext and 'de' in languages:
        ran = run([gettext, '-d', 'sixchat', 'Print the version and exit'],
                  env={'PATH': '/usr/bin:/bin', 'LC_ALL': 'C.UTF-8', 'LANGUAGE': 'de',
                       'TEXTDOMAINDIR': locale_dir})
        check('the installed German catalogue translates',
              [] if ran.stdout == 'Die Version ausgeben und beenden' else
              [f'got {ran.stdout!r}'])
    else:
        check('the installed German catalogue translates', [], 'gettext or de is missing')


if __name__ == '__main__':
    sys.exit(main())
