"""Command-line tool for tokens: wraps POST/GET/DELETE /api/v1/tokens.

    scripts/tokens create --role officer --name "Petugas RW 05"
    scripts/tokens create --role partner --name "Puskesmas" --partner-id prt_123
    scripts/tokens list
    scripts/tokens revoke tok_abc

Reads GATEWAY_URL (default http://127.0.0.1:8000) and ADMIN_TOKEN (an admin token).
"""
import argparse
import json
import os
import sys

import requests


def report(answer, created_note=None):
    """Print a gateway answer: the JSON body on stdout (``created_note`` first, on
    stderr), or the problem with each field's messages on stderr.

    Returns the exit status: 0 for a success, 1 when the gateway refused.
    """
    try:
        body = answer.json()
    except ValueError:
        body = {"detail": answer.text}
    if answer.status_code >= 400:
        print("error %d: %s" % (answer.status_code, body.get("detail") or body), file=sys.stderr)
        for field, messages in (body.get("errors") or {}).items():
            print("  %s: %s" % (field, "; ".join(messages)), file=sys.stderr)
        return 1
    if created_note:
        print(created_note, file=sys.stderr)
    print(json.dumps(body, indent=2, ensure_ascii=False))
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="tokens", description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("GATEWAY_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--admin-token", default=os.environ.get("ADMIN_TOKEN"))
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create", help="create a token (its value is shown once)")
    create.add_argument("--role", required=True, choices=["officer", "partner", "seller", "admin"])
    create.add_argument("--name", required=True)
    create.add_argument("--partner-id")
    create.add_argument("--seller-id")
    sub.add_parser("list", help="list tokens (never their values)")
    revoke = sub.add_parser("revoke", help="revoke a token by id")
    revoke.add_argument("token_id")
    args = parser.parse_args(argv)
    if not args.admin_token:
        parser.error("an admin token is needed: set ADMIN_TOKEN or pass --admin-token")
    headers = {"Authorization": "Bearer %s" % args.admin_token}
    base = args.url.rstrip("/") + "/api/v1/tokens"
    try:
        if args.command == "create":
            body = {"role": args.role, "name": args.name}
            if args.partner_id:
                body["partner_id"] = args.partner_id
            if args.seller_id:
                body["seller_id"] = args.seller_id
            r = requests.post(base, json=body, headers=headers, timeout=30)
        elif args.command == "list":
            r = requests.get(base, headers=headers, timeout=30)
        else:
            r = requests.delete("%s/%s" % (base, args.token_id), headers=headers, timeout=30)
    except requests.RequestException as exc:
        print("cannot reach the gateway at %s: %s" % (args.url, exc), file=sys.stderr)
        return 2
    return report(r, "token created; store it now, it is not shown again:"
                  if args.command == "create" else None)


if __name__ == "__main__":
    sys.exit(main())
