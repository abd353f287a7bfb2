from bot.delivery import Deliveries
from bot.turn import Reply


async def test_a_channel_without_push_reports_not_delivered():
    assert await Deliveries().deliver("rest", "someone", Reply(text="hi")) is False


async def test_the_registered_channel_delivers_and_a_failure_is_contained():
    sent = []

    async def ok(address, reply):
        sent.append((address, reply.text))
        return True

    async def broken(address, reply):
        raise ConnectionError("provider down")

    deliveries = Deliveries()
    deliveries.register("sms", ok)
    deliveries.register("web", broken)
    assert await deliveries.deliver("sms", "+1555", Reply(text="hi")) is True
    assert await deliveries.deliver("web", "sid", Reply(text="hi")) is False
    assert sent == [("+1555", "hi")]


async def test_a_retried_channel_keeps_trying_with_pauses_until_it_goes():
    import asyncio

    attempts = []

    async def flaky(address, reply):
        attempts.append(reply.text)
        if len(attempts) < 3:
            raise ConnectionError("provider down")
        return True

    went = asyncio.Event()

    async def delivered():
        went.set()

    deliveries = Deliveries(retry_pauses=(0.05, 0.05, 0.05))
    deliveries.register("sms", flaky, retried=True)
    assert deliveries.retried("sms") and not deliveries.retried("web")
    assert await deliveries.deliver_until_sent("sms", "+1555", Reply(text="hi"), 1.0, delivered) is False
    await asyncio.wait_for(went.wait(), 5)
    assert attempts == ["hi", "hi", "hi"]


async def test_a_hung_provider_holds_the_caller_only_for_its_wait_and_stops_after_the_last_pause():
    import asyncio
    import time

    calls = []

    async def hung(address, reply):
        calls.append(time.monotonic())
        if len(calls) == 1:
            await asyncio.sleep(0.5)  # the first attempt hangs, then fails
        return False

    async def delivered():
        raise AssertionError("never delivered")

    deliveries = Deliveries(retry_pauses=(0.05, 0.05))
    deliveries.register("sms", hung, retried=True)
    started = time.monotonic()
    assert await deliveries.deliver_until_sent("sms", "+1555", Reply(text="hi"), 0.1, delivered) is False
    assert time.monotonic() - started < 0.4
    await asyncio.sleep(1.0)
    assert len(calls) == 3  # the first, then one per pause, then it gives up
