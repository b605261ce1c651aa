#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Flatpak manifest parses, builds this tree with CI's Meson options
and runs its tests, and asks for no more than SixChat needs. TAP output.

  check-flatpak.py MANIFEST APP_ID SOURCE_ROOT BUILD_ROOT FLATPAK_BUILDER
"""
import json
import os
import subprocess
import sys
import tempfile

# Network for PeerTLS, IPC and a display for GTK, the GPU. Files only through
# portals; notifications and the Background portal need no extra names.
FINISH_ARGS = [
    '--share=network',
    '--share=ipc',
    '--socket=wayland',
    '--socket=fallback-x11',
    '--device=dri',
]
# GNOME 43 was the first with GTK 4.8 and libadwaita 1.2.
OLDEST_RUNTIME = 43


def main():
    manifest_path, app_id, top, build_root, flatpak_builder = sys.argv[1:6]
    results = []

    def check(title, problems):
        results.append((title, problems))

    # flatpak-builder makes .flatpak-builder/ where it runs: in a directory of the test's own.
    with tempfile.TemporaryDirectory(prefix='sixchat-flatpak-') as scratch:
        shown = subprocess.run([flatpak_builder, '--show-manifest', os.path.abspath(manifest_path)],
                               capture_output=True, text=True, cwd=scratch)
    check('flatpak-builder --show-manifest parses it',
          [] if shown.returncode == 0 else [shown.stderr.strip() or f'exit status {shown.returncode}'])

    try:
        with open(manifest_path, encoding='utf-8') as f:
            manifest = json.load(f)
    except (OSError, ValueError) as error:
        print('1..1')
        print(f'# {manifest_path}: {error}')
        print('not ok 1 - the manifest is JSON')
        return 1

    problems = []
    if manifest.get('id') != app_id:
        problems.append(f'id is {manifest.get("id")!r}, not {app_id!r}')
    if manifest.get('command') != 'sixchat':
        problems.append(f'command is {manifest.get("command")!r}, not sixchat')
    if manifest.get('runtime') != 'org.gnome.Platform' or manifest.get('sdk') != 'org.gnome.Sdk':
        problems.append('runtime and sdk are not org.gnome.Platform and org.gnome.Sdk')
    version = str(manifest.get('runtime-version', ''))
    if not version.isdigit() or int(version) < OLDEST_RUNTIME:
        problems.append(f'runtime-version {version!r} is not GNOME {OLDEST_RUNTIME} or later')
    check('the GNOME runtime, the app id and command', problems)

    finish_args = manifest.get('finish-args', [])
    problems = [f'{arg} is more than SixChat needs' for arg in finish_args if arg not in FINISH_ARGS]
    problems += [f'{arg} is missing' for arg in FINISH_ARGS if arg not in finish_args]
    check('least-privilege finish-args', problems)

    module = manifest.get('modules', [{}])[-1]
    problems = []
    if module.get('buildsystem') != 'meson':
        problems.append('the last module is not built with meson')
    if module.get('run-tests') is not True:
        problems.append('run-tests is not true')
    sources = module.get('sources', [])
    if len(sources) != 1 or sources[0].get('type') != 'dir' or \
       os.path.realpath(os.path.join(os.path.dirname(manifest_path), sources[0].get('path', ''))) != \
       os.path.realpath(top):
        problems.append('the source is not this tree ({"type": "dir", "path": ".."})')
    check('the app module builds this tree with Meson and runs its tests', problems)

    ci = subprocess.run(['bash', os.path.join(top, 'build-aux', 'dev.sh'), 'meson-options'],
                        capture_output=True, text=True, env=dict(os.environ, CI='true'))
    ci_options = ci.stdout.split()
    config_opts = module.get('config-opts', [])
    problems = [] if ci.returncode == 0 else ['build-aux/dev.sh meson-options failed']
    if sorted(config_opts) != sorted(ci_options):
        problems.append(f'config-opts {config_opts} are not what CI builds with: {ci_options}')
    check('config-opts are the Meson options CI builds with', problems)

    introspected = subprocess.run(['meson', 'introspect', '--buildoptions', build_root],
                                  capture_output=True, text=True)
    known = {option['name'] for option in json.loads(introspected.stdout or '[]')}
    problems = [] if introspected.returncode == 0 else ['meson introspect failed']
    for option in config_opts:
        name = option[2:].split('=', 1)[0] if option.startswith('-D') else None
        if name is None or name not in known:
            problems.append(f'{option} is not an option of this project (meson_options.txt) or Meson')
    check('every config-opt is a Meson option of this project', problems)

    print(f'1..{len(results)}')
    for number, (title, problem_list) in enumerate(results, 1):
        for problem in problem_list:
            print(f'# {problem}')
        print(f'{"not ok" if problem_list else "ok"} {number} - {title}')
    return 1 if any(problem_list for _, problem_list in results) else 0


if __name__ == '__main__':
    sys.exit(main())
