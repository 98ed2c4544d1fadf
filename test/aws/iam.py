"""IAM role administration in one account of the emulator, for TypeScript tests (emulator.ts,
`roleAdmin()`), through boto3: this repository's AWS SDK for JavaScript has no IAM client.

    python iam.py --endpoint URL --account 111111111111 create-role NAME --trust-policy JSON
    python iam.py --endpoint URL --account 111111111111 update-assume-role-policy NAME --trust-policy JSON
    python iam.py --endpoint URL --account 111111111111 delete-role NAME

Acts with fresh credentials of that account (access_keys.account_key) and prints one JSON
line: {"arn": ...} for create-role, {} otherwise. An AWS error exits with status 1 and prints
{"error": "<code>: <message>"}.
"""

from __future__ import annotations

import argparse
import json
import sys

import boto3
from botocore.exceptions import ClientError

from access_keys import account_key


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--account", required=True)
    parser.add_argument("action", choices=("create-role", "update-assume-role-policy", "delete-role"))
    parser.add_argument("name")
    parser.add_argument("--trust-policy")
    args = parser.parse_args(argv)
    iam = boto3.client(
        "iam",
        endpoint_url=args.endpoint,
        region_name="us-east-1",
        aws_access_key_id=account_key(args.account),
        aws_secret_access_key="testing",
    )
    try:
        if args.action == "create-role":
            role = iam.create_role(RoleName=args.name, AssumeRolePolicyDocument=args.trust_policy)["Role"]
            print(json.dumps({"arn": role["Arn"]}))
        elif args.action == "update-assume-role-policy":
            iam.update_assume_role_policy(RoleName=args.name, PolicyDocument=args.trust_policy)
            print("{}")
        else:
            iam.delete_role(RoleName=args.name)
            print("{}")
    except ClientError as error:
        print(json.dumps({"error": f"{error.response['Error']['Code']}: {error.response['Error']['Message']}"}))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
