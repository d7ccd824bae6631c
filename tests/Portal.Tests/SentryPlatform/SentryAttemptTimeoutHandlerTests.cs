using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Portal.SentryPlatform;

namespace Portal.Tests.SentryPlatform;

public sealed class SentryAttemptTimeoutHandlerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 4, 9, 30, 0, TimeSpan.Zero));

    [Fact]
    public async Task An_attempt_Sentry_does_not_answer_in_time_fails_as_a_timeout()
    {
        using var invoker = new HttpMessageInvoker(new SentryAttemptTimeoutHandler(Timeout, time) { InnerHandler = new SilentSentry() });

        var sending = invoker.SendAsync(Request(), TestContext.Current.CancellationToken);
        time.Advance(Timeout);

        var error = await Assert.ThrowsAsync<TaskCanceledException>(() => sending.WaitAsync(Guard, TestContext.Current.CancellationToken));
        Assert.IsType<TimeoutException>(error.InnerException);
    }

    [Fact]
    public async Task An_answer_in_time_passes_through()
    {
        using var invoker = new HttpMessageInvoker(new SentryAttemptTimeoutHandler(Timeout, time)
        {
            InnerHandler = new ScriptedSentry(time, (TimeSpan.FromSeconds(9), HttpStatusCode.OK)),
        });

        var sending = invoker.SendAsync(Request(), TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromSeconds(9));
        using var response = await sending.WaitAsync(Guard, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_caller_that_gives_up_is_not_told_it_timed_out()
    {
        using var invoker = new HttpMessageInvoker(new SentryAttemptTimeoutHandler(Timeout, time) { InnerHandler = new SilentSentry() });
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var sending = invoker.SendAsync(Request(), cancel.Token);
        await cancel.CancelAsync();

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending.WaitAsync(Guard, TestContext.Current.CancellationToken));
        Assert.IsNotType<TimeoutException>(error.InnerException);
    }

    [Fact]
    public async Task Each_attempt_after_a_429_has_a_timeout_of_its_own()
    {
        // 8 s to a 429 asking for 5 s, then 8 s to the answer: 21 s in all, every attempt within its 10 s.
        var sentry = new ScriptedSentry(time, (TimeSpan.FromSeconds(8), HttpStatusCode.TooManyRequests), (TimeSpan.FromSeconds(8), HttpStatusCode.OK));
        using var invoker = new HttpMessageInvoker(new SentryRateLimitHandler(time, NullLogger<SentryRateLimitHandler>.Instance)
        {
            InnerHandler = new SentryAttemptTimeoutHandler(Timeout, time) { InnerHandler = sentry },
        });

        var sending = invoker.SendAsync(Request(), TestContext.Current.CancellationToken);
        for (var second = 0; second < 60 && !sending.IsCompleted; second++)
        {
            // The handlers resume on other threads: move the clock a second at a time and let them catch up.
            await Task.Delay(20, TestContext.Current.CancellationToken);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        using var response = await sending.WaitAsync(Guard, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, sentry.Attempts);
    }

    private static HttpRequestMessage Request() =>
        SentryApiRequest.Create("reading the installation", HttpMethod.Get, "api/0/sentry-app-installations/a8e5d37a-696c-4c54-adb5-b3f28d64c7de/");

    private sealed class SilentSentry : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await Task.Delay(System.Threading.Timeout.InfiniteTimeSpan, cancellationToken);
            throw new InvalidOperationException("An infinite wait ended.");
        }
    }

    // Each attempt takes its time on the fake clock, then answers its status (a 429 asks for 5 s).
    private sealed class ScriptedSentry(TimeProvider time, params (TimeSpan Takes, HttpStatusCode Status)[] script) : HttpMessageHandler
    {
        private int attempts;

        public int Attempts => attempts;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var (takes, status) = script[Math.Min(Interlocked.Increment(ref attempts), script.Length) - 1];
            await Task.Delay(takes, time, cancellationToken);
            var response = new HttpResponseMessage(status);
            if (status == HttpStatusCode.TooManyRequests)
            {
                response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(5));
            }

            return response;
        }
    }
}
