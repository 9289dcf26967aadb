"""moto's server, with two fixes to its DynamoDB transactions.

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
   so a backup never sees a later change.

Neither changes what a request answers. Run as
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


class _TableBackups:
    """`copy` as moto's DynamoDB backend module sees it."""

    def __getattr__(self, name):
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value, memo=None):
        if isinstance(value, Table):
            backup = copy.copy(value)
            backup.items = defaultdict(dict)
            for hash_key, entry in value.items.items():
                backup.items[hash_key] = dict(entry) if isinstance(entry, dict) else entry
            return backup
        return copy.deepcopy(value, memo)


dynamodb_models.copy = _TableBackups()

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

if __name__ == "__main__":
    sys.exit(main())
