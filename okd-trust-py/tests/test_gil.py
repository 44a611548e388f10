"""verify() and diagnose() release the GIL: Python threads keep running while they work."""

import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import okd_trust
from okd_trust import examples

AT = examples.EXAMPLE_AT


def inputs():
    return (
        okd_trust.CaBundle.from_pem(examples.API_INT_SERVING_CHAIN),
        okd_trust.CaBundle.from_pem(examples.CLUSTER_CA_BUNDLE),
    )


def test_concurrent_verify_gives_the_same_answers():
    chain, roots = inputs()

    def work(_):
        return [okd_trust.verify(chain, roots, server_name=examples.SERVER_NAME, at=AT).trusted for _ in range(50)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(16)))
    assert all(all(r) for r in results)


def test_concurrent_diagnose():
    def work(_):
        d = okd_trust.diagnose({"k": examples.NODE_KUBECONFIG}, cluster_cas={"c": examples.CLUSTER_CA_BUNDLE},
                               serving_chain=examples.API_INT_SERVING_CHAIN, at=AT)
        return d.verdict

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert set(pool.map(work, range(16))) == {"broken"}


def _verify():
    chain, roots = inputs()
    return lambda: okd_trust.verify(chain, roots, server_name=examples.SERVER_NAME, at=AT)


def _diagnose():
    kubeconfigs = {"k": examples.NODE_KUBECONFIG}
    cluster_cas = {"c": examples.CLUSTER_CA_BUNDLE}
    return lambda: okd_trust.diagnose(kubeconfigs, cluster_cas=cluster_cas,
                                      serving_chain=examples.API_INT_SERVING_CHAIN, at=AT)


@pytest.mark.parametrize("make_call", [_verify, _diagnose], ids=["verify", "diagnose"])
def test_python_threads_run_inside_the_call(make_call):
    """With a switch interval far longer than the test, the main thread never hands the GIL over
    by itself: the spinner thread advances only if the call releases it."""
    call = make_call()
    old = sys.getswitchinterval()
    sys.setswitchinterval(10.0)
    try:
        started = threading.Event()
        ticks = [0]
        stop = threading.Event()

        def spin():
            started.set()
            while not stop.is_set():
                ticks[0] += 1
                time.sleep(0)

        t = threading.Thread(target=spin)
        t.start()
        started.wait()
        before = ticks[0]
        for _ in range(200):
            call()
        progressed = ticks[0] - before
        stop.set()
        t.join()
    finally:
        sys.setswitchinterval(old)
    assert progressed > 0
