"""The yardstick: a bare python-socketio broadcast server with the same /live events.

No sign-in, no database: ``join`` enters a room, ``send`` emits the body to it. Run by
``bench.live_fanout`` in the same async mode as cop, so the ratio between the two is
what cop's own work costs.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    mode, port = sys.argv[1], int(sys.argv[2])
    if mode == "eventlet":
        import eventlet

        eventlet.monkey_patch()
    elif mode == "gevent":
        from gevent import monkey

        monkey.patch_all()
    import gc

    import socketio

    sio = socketio.Server(async_mode=mode, cors_allowed_origins="*")
    app = socketio.WSGIApp(sio)
    seq = {"n": 0}

    @sio.on("join", namespace="/live")
    def join(sid, data):
        sio.enter_room(sid, f"meeting:{data['session_id']}", namespace="/live")
        return {"ok": True}

    @sio.on("send", namespace="/live")
    def send(sid, data):
        seq["n"] += 1
        message = {"seq": seq["n"], "session_id": data["session_id"], "body": data["body"],
                   "client_id": data["client_id"]}
        sio.emit("message", message, to=f"meeting:{data['session_id']}", namespace="/live")
        return {"ok": True, "message": message}

    if os.environ.get("COP_GC_FREEZE_SECONDS", "30") != "0":
        def freeze_loop() -> None:
            while True:
                sio.sleep(float(os.environ.get("COP_GC_FREEZE_SECONDS", "30")))
                gc.collect(1)
                gc.freeze()

        sio.start_background_task(freeze_loop)

    if mode == "eventlet":
        import eventlet.wsgi

        eventlet.wsgi.server(eventlet.listen(("127.0.0.1", port)), app, log_output=False,
                             max_size=20_000)
    elif mode == "gevent":
        from gevent import pywsgi

        pywsgi.WSGIServer(("127.0.0.1", port), app, log=None).serve_forever()
    else:
        from werkzeug.serving import run_simple

        run_simple("127.0.0.1", port, app, threaded=True)


if __name__ == "__main__":
    main()
