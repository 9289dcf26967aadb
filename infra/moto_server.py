"""moto's server, with two fixes to its DynamoDB transactions and one to
its queries' cost.

1. Isolation. moto applies a TransactWriteItems by backing up the tables it
   touches and, when a condition fails, putting the backups back: any write
   another request made in between is lost (an item, a notification, a
   counter). DynamoDB isolates transactions; handling moto's DynamoDB
   requests one at a time restores that here. The other services (SQS long
   polls above all) stay concurrent.
2. Cost. The backup is a deep copy of the whole table, once per item of the
   transaction: with a few thousand items each transaction takes longer
   and the process grew past 18 GB during the benchmark. Here the backup
   copies the table's index of items and shares the items themselves; an
   update replaces its item by a copy before changing it (copy on write),
   so a backup never sees a later change; and a transaction backs each
   table up once, not once per item.

3. Query cost. moto answers every Query by sorting every item of the
   table, then keeping the partition's: each Query costs the whole table,
   and tests that poll slow down as the table grows. Here a table Query
   starts from its partition, and an index Query from the items unsorted
   (moto sorts its matches by the index keys anyway).

4. Code delivery. Cognito emails a password-reset code for each
   ForgotPassword; moto only stores it. Here each code moto issues is also
   recorded as a mail in moto's SES (the sent mail of /moto-api/data.json),
   from the pool's EmailConfiguration sender or Cognito's default one, so
   that a test counts reset mails as they would be counted in AWS.

None changes what a request answers. Run as
`python infra/moto_server.py -H 127.0.0.1 -p PORT`, like `moto_server`.
"""

import copy
import sys
import threading
from collections import defaultdict

import moto.dynamodb.models as dynamodb_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table
from moto.dynamodb.responses import DynamoHandler
from moto.server import main

_lock = threading.Lock()
_call_action = DynamoHandler.call_action


def _serialized(self):
    with _lock:
        return _call_action(self)


DynamoHandler.call_action = _serialized


# The backups of the transaction being applied, by table: moto asks for
# one per item of the transaction, all before any write, so one per table
# serves them all (requests are handled one at a time, see 1.).
_backups = None


class _TableBackups:
    """`copy` as moto's DynamoDB backend module sees it."""

    def __getattr__(self, name):
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value, memo=None):
        if isinstance(value, Table):
            if _backups is not None and id(value) in _backups:
                return _backups[id(value)]
            backup = copy.copy(value)
            backup.items = defaultdict(dict)
            for hash_key, entry in value.items.items():
                backup.items[hash_key] = dict(entry) if isinstance(entry, dict) else entry
            if _backups is not None:
                _backups[id(value)] = backup
            return backup
        return copy.deepcopy(value, memo)


dynamodb_models.copy = _TableBackups()

_transact_write_items = DynamoDBBackend.transact_write_items


def _transact_backing_up_once(self, *args, **kwargs):
    global _backups
    _backups = {}
    try:
        return _transact_write_items(self, *args, **kwargs)
    finally:
        _backups = None


DynamoDBBackend.transact_write_items = _transact_backing_up_once

_update_item = DynamoDBBackend.update_item


def _update_copy_on_write(self, table_name, key, *args, **kwargs):
    table = self.get_table(table_name)
    if table.hash_key_attr in key:
        hash_key = DynamoType(key[table.hash_key_attr])
        entry = table.items.get(hash_key)
        if table.range_key_attr is not None and table.range_key_attr in key:
            range_key = DynamoType(key[table.range_key_attr])
            if entry is not None and range_key in entry:
                entry[range_key] = copy.deepcopy(entry[range_key])
        elif entry is not None and not isinstance(entry, dict):
            table.items[hash_key] = copy.deepcopy(entry)
    return _update_item(self, table_name, key, *args, **kwargs)


DynamoDBBackend.update_item = _update_copy_on_write

_query = Table.query


def _query_from_partition(self, hash_key, *args, **kwargs):
    index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
    if index_name:
        items = [
            item
            for entry in self.items.values()
            for item in (entry.values() if isinstance(entry, dict) else [entry])
        ]
    else:
        entry = self.items.get(hash_key)
        if entry is None:
            items = []
        elif isinstance(entry, dict):
            items = list(entry.values())
        else:
            items = [entry]
    self.all_items = lambda: items
    try:
        return _query(self, hash_key, *args, **kwargs)
    finally:
        del self.all_items


Table.query = _query_from_partition

from moto.cognitoidp.models import CognitoIdpBackend
from moto.ses.models import Message, ses_backends
from moto.ses.utils import get_random_message_id

_forgot_password = CognitoIdpBackend.forgot_password


def _forgot_password_mailed(self, client_id, username):
    code, details = _forgot_password(self, client_id, username)
    pool = next((p for p in self.user_pools.values() if client_id in p.clients), None)
    user = pool._get_user(username) if pool is not None and code is not None else None
    if user is not None:
        email = next((a["Value"] for a in user.attributes if a["Name"] == "email"), username)
        sender = (pool.extended_config.get("EmailConfiguration") or {}).get("From")
        ses_backends[self.account_id][self.region_name].sent_messages.append(
            Message(
                get_random_message_id(),
                sender or "no-reply@verificationemail.com",
                "Your verification code",
                f"Your password reset code is {code}",
                {"ToAddresses": [email]},
            )
        )
    return code, details


CognitoIdpBackend.forgot_password = _forgot_password_mailed

# ResendConfirmationCode: moto 5.2.5 has no such operation (its responses
# answer 500 "not implemented"). As Cognito does: an unknown user is
# UserNotFoundException, a confirmed one InvalidParameterException, else
# a new code is mailed (recorded like SES's sends, as above) and its
# delivery described.
from moto.cognitoidp.exceptions import InvalidParameterException, ResourceNotFoundError
from moto.cognitoidp.models import RegionAgnosticBackend, UserStatus
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.responses import ActionResult


def _resend_confirmation_code(self):
    client_id = self._get_param("ClientId")
    username = self._get_param("Username")
    backend = RegionAgnosticBackend(self.current_account, self.region)._find_backend_for_clientid(client_id)
    pool = next((p for p in backend.user_pools.values() if client_id in p.clients), None)
    if pool is None:
        raise ResourceNotFoundError(client_id)
    user = backend.admin_get_user(pool.id, username)
    if user.status == UserStatus.CONFIRMED:
        raise InvalidParameterException("User is already confirmed.")
    email = next((a["Value"] for a in user.attributes if a["Name"] == "email"), username)
    sender = (pool.extended_config.get("EmailConfiguration") or {}).get("From")
    code = "123456"
    ses_backends[backend.account_id][backend.region_name].sent_messages.append(
        Message(
            get_random_message_id(),
            sender or "no-reply@verificationemail.com",
            "Your verification code",
            f"Your confirmation code is {code}",
            {"ToAddresses": [email]},
        )
    )
    return ActionResult(
        {
            "CodeDeliveryDetails": {
                "Destination": email[0] + "***@" + email.split("@")[-1],
                "DeliveryMedium": "EMAIL",
                "AttributeName": "email",
            }
        }
    )


CognitoIdpResponse.resend_confirmation_code = _resend_confirmation_code

if __name__ == "__main__":
    sys.exit(main())
