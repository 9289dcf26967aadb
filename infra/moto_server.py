"""moto's server, with its DynamoDB requests handled one at a time.

moto applies a TransactWriteItems by copying the tables it touches and, when
a condition fails, putting the copies back: any write another request made
in between is lost (an item, a notification, a counter). DynamoDB isolates
transactions; handling moto's DynamoDB requests one at a time restores that
here. The other services (SQS long polls above all) stay concurrent.

Run as `python infra/moto_server.py -H 127.0.0.1 -p PORT`, like `moto_server`.
"""

import sys
import threading

from moto.dynamodb.responses import DynamoHandler
from moto.server import main

_lock = threading.Lock()
_call_action = DynamoHandler.call_action


def _serialized(self):
    with _lock:
        return _call_action(self)


DynamoHandler.call_action = _serialized

if __name__ == "__main__":
    sys.exit(main())
