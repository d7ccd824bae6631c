using Microsoft.Extensions.Time.Testing;
using Portal.Webhooks;

namespace Portal.Tests.Webhooks;

public sealed class WarningThrottleTests
{
    [Fact]
    public void A_repeated_warning_is_written_once_a_minute_with_the_count_it_held_back()
    {
        var time = new FakeTimeProvider();
        var throttle = new WarningThrottle(time);

        Assert.True(throttle.ShouldLog("orphan:a", out var first));
        var held = Enumerable.Range(0, 99).Count(_ => throttle.ShouldLog("orphan:a", out long _));
        time.Advance(TimeSpan.FromSeconds(59));
        var stillHeld = throttle.ShouldLog("orphan:a", out long _);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(throttle.ShouldLog("orphan:a", out var second));

        Assert.Equal((0L, 0, false, 100L), (first, held, stillHeld, second));
    }

    [Fact]
    public void Different_keys_are_throttled_separately()
    {
        var throttle = new WarningThrottle(new FakeTimeProvider());

        Assert.True(throttle.ShouldLog("orphan:a", out long _));
        Assert.True(throttle.ShouldLog("orphan:b", out _));
        Assert.False(throttle.ShouldLog("orphan:a", out long _));
    }
}
