"""Line protocol around scramp (an independent SCRAM implementation) for scramp_interop.rs.

Each request is one line: a command and its arguments separated by spaces, every free-form
argument base64-encoded ("-" for none). Each answer is one line: "ok [base64...]" or
"err <reason>". One process holds at most one scramp client and one scramp server.
"""

import base64
import sys

import scramp
import scramp.core

# scramp 1.4 predates RFC 9266 and does not list "tls-exporter" among the channel binding
# names it accepts. Its binding computation (cbind-input = gs2-header || binding data,
# RFC 5802 §7) does not depend on the type, so the name is registered here to exercise
# tls-exporter on the wire as well.
if "tls-exporter" not in scramp.core.CbName.TYPES:
    scramp.core.CbName.TYPES = scramp.core.CbName.TYPES + ("tls-exporter",)


def dec(arg):
    return None if arg == "-" else base64.b64decode(arg)


def text(arg):
    value = dec(arg)
    return None if value is None else value.decode("utf-8")


def enc(value):
    if isinstance(value, str):
        value = value.encode("utf-8")
    return base64.b64encode(value).decode("ascii")


def binding(name, data):
    return None if name == "-" else (name, dec(data))


def main():
    server = client = None
    for line in sys.stdin:
        cmd, *args = line.split()
        try:
            if cmd == "auth_info":
                mech, password, salt, iterations = args
                m = scramp.ScramMechanism(mech)
                _, stored, server_key, _ = m.make_auth_info(
                    text(password), iteration_count=int(iterations), salt=dec(salt)
                )
                reply = f"ok {enc(stored)} {enc(server_key)}"
            elif cmd == "server":
                mech, user, password, salt, iterations, cb_name, cb_data = args
                m = scramp.ScramMechanism(mech)
                info = m.make_auth_info(
                    text(password), iteration_count=int(iterations), salt=dec(salt)
                )
                known = text(user)
                server = m.make_server(
                    lambda name: info if name == known else None,
                    channel_binding=binding(cb_name, cb_data),
                )
                reply = "ok"
            elif cmd == "server_first":
                server.set_client_first(text(args[0]))
                reply = f"ok {enc(server.get_server_first())}"
            elif cmd == "server_final":
                verdict = "ok"
                try:
                    server.set_client_final(text(args[0]))
                except scramp.ScramException:
                    verdict = "fail"
                reply = f"{verdict} {enc(server.get_server_final())}"
            elif cmd == "client":
                mech, user, password, cb_name, cb_data = args
                client = scramp.ScramClient(
                    [mech], text(user), text(password),
                    channel_binding=binding(cb_name, cb_data),
                )
                reply = f"ok {enc(client.get_client_first())}"
            elif cmd == "client_final":
                client.set_server_first(text(args[0]))
                reply = f"ok {enc(client.get_client_final())}"
            elif cmd == "client_verify":
                client.set_server_final(text(args[0]))
                reply = "ok"
            else:
                reply = f"err unknown command {cmd}"
        except scramp.ScramException as e:
            reply = "err " + " ".join(str(e).split())
        print(reply, flush=True)


if __name__ == "__main__":
    main()
