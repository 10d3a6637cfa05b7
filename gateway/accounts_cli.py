"""Command-line tool for people's accounts: wraps /api/v1/accounts (docs/web.md).

    scripts/accounts create --username admin --name "Admin Kelurahan" --role admin
    scripts/accounts create --username rina --name "Rina" --role partner --partner-id prt_1
    scripts/accounts create --username bu-sri --name "Sri" --role seller --seller-id slr_1
    scripts/accounts role <account id> --role seller --seller-id slr_1
    scripts/accounts list
    scripts/accounts reset-password <account id>
    scripts/accounts unlock <account id>
    scripts/accounts disable <account id>

The password is asked for (twice, not echoed) at a terminal, and read from
the first line of standard input with ``--password-stdin`` or when standard
input is not a terminal (``echo "$PASSWORD" | scripts/accounts create ...``). Reads GATEWAY_URL (default http://127.0.0.1:8000)
and ADMIN_TOKEN (an admin token). Exit status 0 on success, 1 when the
gateway refused, 2 when it could not be reached.
"""
import argparse
import getpass
import os
import sys
import warnings

import requests

# gateway.accounts imports eventlet, whose deprecation notice is no news to
# someone making an account (the services silence it the same way).
warnings.filterwarnings("ignore", message=r"(?s)\s*Eventlet is deprecated")
from gateway.accounts import ACCOUNT_ROLES  # noqa: E402
from gateway.cli import report  # noqa: E402


def read_password(args):
    """The new password: from standard input's first line when asked for or
    piped, else asked twice at the terminal. Raises SystemExit when the two differ."""
    if args.password_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password: ")
    if first != getpass.getpass("again: "):
        raise SystemExit("accounts: the two passwords differ")
    return first


def _scope(args):
    """The ``partner_id`` / ``seller_id`` given (the gateway checks they fit the role)."""
    return {k: v for k, v in (("partner_id", args.partner_id),
                              ("seller_id", args.seller_id)) if v}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="accounts", description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("GATEWAY_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--admin-token", default=os.environ.get("ADMIN_TOKEN"))
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create", help="make an account for a person")
    create.add_argument("--username", required=True)
    create.add_argument("--name", required=True, help="the person's full name")
    create.add_argument("--role", required=True, choices=ACCOUNT_ROLES)
    role = sub.add_parser("role", help="change an account's role (ends its sessions)")
    role.add_argument("account_id")
    role.add_argument("--role", required=True, choices=ACCOUNT_ROLES)
    for one in (create, role):
        one.add_argument("--partner-id", help="the partner of a partner account")
        one.add_argument("--seller-id", help="the seller of a seller account")
    sub.add_parser("list", help="list accounts")
    for name, text in (("reset-password", "set a new password"), ("unlock", "clear a lockout"),
                       ("disable", "disable (ends its sessions)"), ("enable", "enable again")):
        one = sub.add_parser(name, help=text)
        one.add_argument("account_id")
    for one in (create, sub.choices["reset-password"]):
        one.add_argument("--password-stdin", action="store_true")
    args = parser.parse_args(argv)
    if not args.admin_token:
        parser.error("an admin token is needed: set ADMIN_TOKEN or pass --admin-token")
    headers = {"Authorization": "Bearer %s" % args.admin_token}
    base = args.url.rstrip("/") + "/api/v1/accounts"
    if args.command == "create":
        body = dict({"username": args.username, "display_name": args.name, "role": args.role,
                     "password": read_password(args)}, **_scope(args))
        call = ("POST", base, body)
    elif args.command == "role":
        call = ("PATCH", "%s/%s" % (base, args.account_id),
                dict({"role": args.role}, **_scope(args)))
    elif args.command == "list":
        call = ("GET", base + "?per_page=200", None)
    else:
        change = {"reset-password": lambda: {"password": read_password(args)},
                  "unlock": lambda: {"unlock": True}, "disable": lambda: {"active": False},
                  "enable": lambda: {"active": True}}[args.command]()
        call = ("PATCH", "%s/%s" % (base, args.account_id), change)
    try:
        answer = requests.request(call[0], call[1], json=call[2], headers=headers, timeout=30)
    except requests.RequestException as exc:
        print("cannot reach the gateway at %s: %s" % (args.url, exc), file=sys.stderr)
        return 2
    return report(answer)


if __name__ == "__main__":
    sys.exit(main())
