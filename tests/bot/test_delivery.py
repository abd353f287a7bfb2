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
