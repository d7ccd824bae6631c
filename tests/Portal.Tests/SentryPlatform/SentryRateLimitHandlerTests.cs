using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Portal.SentryPlatform;

namespace Portal.Tests.SentryPlatform;

public sealed class SentryRateLimitHandlerTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 4, 9, 30, 0, TimeSpan.Zero);
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider time = new(Start);

    [Fact]
    public async Task A_429_asking_for_2_seconds_is_waited_out_on_the_clock_and_sent_again()
    {
        var sentry = new StubSentry(time, _ => TooManyRequests(TimeSpan.FromSeconds(2)), _ => new HttpResponseMessage(HttpStatusCode.OK));
        using var invoker = Invoker(sentry);

        var sending = invoker.SendAsync(Request(), TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromSeconds(2) - TimeSpan.FromTicks(1));
        var sentBeforeTheWaitWasOver = sentry.SentAt.Count;
        time.Advance(TimeSpan.FromTicks(1));
        using var response = await sending.WaitAsync(Guard, TestContext.Current.CancellationToken);

        Assert.Equal(1, sentBeforeTheWaitWasOver);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([Start, Start.AddSeconds(2)], sentry.SentAt);
    }

    [Fact]
    public async Task A_429_asking_for_30_seconds_fails_at_once_as_rate_limited_with_the_delay()
    {
        var sentry = new StubSentry(time, _ => TooManyRequests(TimeSpan.FromSeconds(30)));
        using var invoker = Invoker(sentry);

        var error = await Assert.ThrowsAsync<SentryApiException>(
            () => invoker.SendAsync(Request(), TestContext.Current.CancellationToken).WaitAsync(Guard, TestContext.Current.CancellationToken));

        Assert.Equal(SentryApiFailure.RateLimited, error.Failure);
        Assert.Equal(HttpStatusCode.TooManyRequests, error.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(30), error.RetryAfter);
        Assert.Equal("Sentry rate-limited the token refresh; it asked to wait 30 s.", error.Message);
        Assert.Equal([Start], sentry.SentAt);
    }

    [Fact]
    public async Task Three_attempts_are_the_most_a_call_makes()
    {
        var sentry = new StubSentry(time, _ => TooManyRequests(TimeSpan.Zero));
        using var invoker = Invoker(sentry);

        var error = await Assert.ThrowsAsync<SentryApiException>(
            () => invoker.SendAsync(Request(), TestContext.Current.CancellationToken).WaitAsync(Guard, TestContext.Current.CancellationToken));

        Assert.Equal(SentryApiFailure.RateLimited, error.Failure);
        Assert.Equal(TimeSpan.Zero, error.RetryAfter);
        Assert.Equal(SentryRateLimitHandler.MaxAttempts, sentry.SentAt.Count);
    }

    [Fact]
    public async Task A_Retry_After_date_is_waited_out_until_that_moment_of_the_clock()
    {
        var sentry = new StubSentry(time, _ => TooManyRequests(httpDate: Start.AddSeconds(3)), _ => new HttpResponseMessage(HttpStatusCode.OK));
        using var invoker = Invoker(sentry);

        var sending = invoker.SendAsync(Request(), TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromSeconds(3));
        using var response = await sending.WaitAsync(Guard, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([Start, Start.AddSeconds(3)], sentry.SentAt);
    }

    [Fact]
    public async Task A_Retry_After_date_a_minute_away_fails_with_the_time_left_on_the_clock()
    {
        var sentry = new StubSentry(time, _ => TooManyRequests(httpDate: Start.AddMinutes(1)));
        using var invoker = Invoker(sentry);

        var error = await Assert.ThrowsAsync<SentryApiException>(
            () => invoker.SendAsync(Request(), TestContext.Current.CancellationToken).WaitAsync(Guard, TestContext.Current.CancellationToken));

        Assert.Equal(TimeSpan.FromMinutes(1), error.RetryAfter);
    }

    [Fact]
    public async Task A_Retry_After_date_already_past_is_sent_again_without_waiting()
    {
        var sentry = new StubSentry(time, _ => TooManyRequests(httpDate: Start.AddSeconds(-5)), _ => new HttpResponseMessage(HttpStatusCode.OK));
        using var invoker = Invoker(sentry);

        using var response = await invoker.SendAsync(Request(), TestContext.Current.CancellationToken).WaitAsync(Guard, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([Start, Start], sentry.SentAt);
    }

    [Fact]
    public async Task A_429_without_Retry_After_waits_a_second()
    {
        var sentry = new StubSentry(time, _ => new HttpResponseMessage(HttpStatusCode.TooManyRequests), _ => new HttpResponseMessage(HttpStatusCode.OK));
        using var invoker = Invoker(sentry);

        var sending = invoker.SendAsync(Request(), TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromSeconds(1));
        using var response = await sending.WaitAsync(Guard, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([Start, Start.AddSeconds(1)], sentry.SentAt);
    }

    [Theory]
    [InlineData(HttpStatusCode.OK)]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    public async Task Any_other_answer_passes_through_after_one_attempt(HttpStatusCode status)
    {
        var sentry = new StubSentry(time, _ => new HttpResponseMessage(status));
        using var invoker = Invoker(sentry);

        using var response = await invoker.SendAsync(Request(), TestContext.Current.CancellationToken);

        Assert.Equal(status, response.StatusCode);
        Assert.Single(sentry.SentAt);
    }

    [Fact]
    public async Task A_cancelled_caller_stops_the_wait()
    {
        var sentry = new StubSentry(time, _ => TooManyRequests(TimeSpan.FromSeconds(5)));
        using var invoker = Invoker(sentry);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var sending = invoker.SendAsync(Request(), cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending.WaitAsync(Guard, TestContext.Current.CancellationToken));
        Assert.Single(sentry.SentAt);
    }

    private HttpMessageInvoker Invoker(StubSentry sentry) =>
        new(new SentryRateLimitHandler(time, NullLogger<SentryRateLimitHandler>.Instance) { InnerHandler = sentry });

    private static HttpRequestMessage Request() =>
        SentryApiRequest.Create("the token refresh", HttpMethod.Post, "api/0/sentry-app-installations/a8e5d37a-696c-4c54-adb5-b3f28d64c7de/authorizations/",
            writeBody: writer => writer.WriteString("grant_type", "refresh_token"));

    private static HttpResponseMessage TooManyRequests(TimeSpan? delta = null, DateTimeOffset? httpDate = null)
    {
        var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        if (delta is { } seconds)
        {
            response.Headers.RetryAfter = new RetryConditionHeaderValue(seconds);
        }

        if (httpDate is { } date)
        {
            // As Sentry's proxies send it: an IMF-fixdate, whole seconds, GMT.
            response.Headers.Add("Retry-After", date.ToString("R", CultureInfo.InvariantCulture));
        }

        return response;
    }

    // Answers synchronously, so a wait has begun by the time SendAsync returns its task.
    private sealed class StubSentry(TimeProvider time, params Func<HttpRequestMessage, HttpResponseMessage>[] answers) : HttpMessageHandler
    {
        public List<DateTimeOffset> SentAt { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (SentAt)
            {
                SentAt.Add(time.GetUtcNow());
                return Task.FromResult(answers[Math.Min(SentAt.Count, answers.Length) - 1](request));
            }
        }
    }
}
