"""In a live Jupyter kernel, a slider change sent the way a front end sends it
(JupyterLab, Notebook 7 and VS Code all speak this comm protocol) comes back
with C_t and h_t recomputed by lstm_ref.

Starts one real kernel (a couple of seconds), no browser.
"""
import time

import jupyter_client.manager
import numpy as np
import pytest

import lstm_ref


def open_widget(kc, code):
    """Run `code` (which displays one widget); return (comm_id, initial state) of the anywidget model."""
    kc.execute(code)
    comm_id = state = None
    while True:
        msg = kc.get_iopub_msg(timeout=60)
        kind, content = msg["msg_type"], msg["content"]
        if kind == "error":
            raise AssertionError("\n".join(content["traceback"]))
        if kind == "comm_open" and content["data"]["state"].get("_model_name") == "AnyModel":
            comm_id, state = content["comm_id"], content["data"]["state"]
        if kind == "status" and content["execution_state"] == "idle" and comm_id:
            return comm_id, state


def front_end_update(kc, comm_id, state, wait_for):
    """Send {"method": "update"} as a widget front end does; return (reply state, seconds)."""
    msg = kc.session.msg("comm_msg", {"comm_id": comm_id, "data": {"method": "update", "state": state,
                                                                    "buffer_paths": []}})
    start = time.perf_counter()
    kc.shell_channel.send(msg)
    merged = {}
    while True:
        reply = kc.get_iopub_msg(timeout=30)
        if reply["msg_type"] == "comm_msg" and reply["content"]["comm_id"] == comm_id:
            merged.update(reply["content"]["data"].get("state", {}))
            if wait_for <= merged.keys():
                return merged, time.perf_counter() - start


@pytest.fixture(scope="module")
def kernel():
    km, kc = jupyter_client.manager.start_new_kernel(kernel_name="python3")
    try:
        yield kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_a_slider_change_round_trips_through_the_kernel_with_lstm_refs_numbers(kernel):
    comm_id, state = open_widget(kernel, "from lstm_widgets import GateExplorer\ndisplay(GateExplorer())")
    new_f = [0.25, 0.75, 0.05]
    reply, seconds = front_end_update(kernel, comm_id, {"f": new_f}, wait_for={"c", "h"})
    c = lstm_ref.update_cell(np.array(state["c_prev"]), np.array(new_f), np.array(state["i"]),
                             np.array(state["c_tilde"]))
    np.testing.assert_allclose(reply["c"], c, atol=1e-12)
    np.testing.assert_allclose(reply["h"], lstm_ref.hidden_state(c, np.array(state["o"])), atol=1e-12)
    print(f"\nGateExplorer round trip through the kernel: {1000 * seconds:.1f} ms")


def test_a_sequence_widget_looks_its_table_up_in_the_kernel(kernel):
    comm_id, state = open_widget(kernel, "from lstm_widgets import MemoryOverTime\ndisplay(MemoryOverTime())")
    reply, seconds = front_end_update(kernel, comm_id, {"forget_bias": -1.5}, wait_for={"c"})
    from lstm_widgets import memory_over_time as mem

    out = lstm_ref.lstm_forward(mem.memory_inputs(), mem.memory_params(-1.5, state["input_bias"]))
    np.testing.assert_allclose(reply["c"], out["c"][:, 0], atol=1e-12)
    print(f"\nMemoryOverTime round trip through the kernel: {1000 * seconds:.1f} ms")
