using Portal.Webhooks;

namespace Portal.Tests.Webhooks;

public sealed class ProcessingScheduleTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 5)]
    [InlineData(3, 30)]
    [InlineData(4, 120)]
    [InlineData(5, 600)]
    [InlineData(9, 600)]
    public void Retries_back_off_from_one_second_to_ten_minutes(int failedAttempts, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), ProcessingSchedule.DelayAfter(failedAttempts));
    }
}
