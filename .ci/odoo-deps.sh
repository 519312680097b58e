#!/usr/bin/env bash
# What the real-Odoo tests need (idempotent): Debian's Python 3 with Odoo's dependencies (the
# Python package index is not reachable here), the PostgreSQL client tools, and libfaketime.
set -euo pipefail
sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
pkgs=(python3 python3-babel python3-chardet python3-dateutil python3-decorator python3-docutils python3-freezegun
	python3-geoip2 python3-pil python3-jinja2 python3-libsass python3-lxml python3-num2words python3-ofxparse
	python3-openpyxl python3-passlib python3-polib python3-psutil python3-psycopg2 python3-pydot python3-openssl
	python3-pypdf2 python3-qrcode python3-renderpm python3-reportlab python3-requests python3-rjsmin python3-serial
	python3-stdnum python3-tz python3-usb python3-vobject python3-werkzeug python3-xlrd python3-xlsxwriter python3-xlwt
	python3-zeep python3-gevent python3-greenlet python3-cbor2 python3-asn1crypto python3-cryptography
	python3-phonenumbers python3-magic postgresql-client)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
	echo "installing ${#missing[@]} Debian packages for Odoo: ${missing[*]}"
	$sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
		{ $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; }
fi
