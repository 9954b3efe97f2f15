"""Misbehaving TCP peers for the fault tests, run inside the receiver's namespace.

Usage: peers.py noread ADDRESS            accept connections and never read
       peers.py reset ADDRESS BYTES       read BYTES, then close with SO_LINGER 0 (the peer resets)
Each prints its port on the first line of standard output once it listens, and gives up after a minute.
"""
import socket
import struct
import sys
import threading
import time


def listen(address):
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((address, 0))
    server.listen(64)
    print(server.getsockname()[1], flush=True)
    return server


def no_read(address):
    server = listen(address)
    held = []

    def accept_all():
        while True:
            connection, _ = server.accept()
            held.append(connection)

    threading.Thread(target=accept_all, daemon=True).start()
    time.sleep(60)


def reset_after(address, limit):
    server = listen(address)
    connection, _ = server.accept()
    received = 0
    while received < limit:
        data = connection.recv(min(65536, limit - received))
        if not data:
            break
        received += len(data)
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    connection.close()
    print(received, flush=True)
    time.sleep(5)


if __name__ == "__main__":
    kind, address = sys.argv[1], sys.argv[2]
    if kind == "noread":
        no_read(address)
    elif kind == "reset":
        reset_after(address, int(sys.argv[3]))
    else:
        sys.exit(f"peers.py: unknown peer '{kind}'")
