using Portal.Webhooks;

namespace Portal.Tests.TestSupport;

/// <summary>Stands in for the portal's handler of one resource: does what the test says and counts its calls.</summary>
internal sealed class StandInHandler(string resource) : IWebhookHandler
{
    private int calls;

    public string Resource => resource;

    public int Calls => Volatile.Read(ref calls);

    /// <summary>What the handler does with a delivery; throw to fail the attempt.</summary>
    public Func<WebhookEvent, Task<HandlerOutcome>> Work { get; set; } = _ => Task.FromResult(HandlerOutcome.Done);

    /// <summary>Fails the next <paramref name="times"/> attempts with <paramref name="message"/>, then is done.</summary>
    public void Fail(string message = "injected failure", int times = int.MaxValue)
    {
        var left = times;
        Work = _ => Interlocked.Decrement(ref left) >= 0
            ? throw new InvalidOperationException(message)
            : Task.FromResult(HandlerOutcome.Done);
    }

    public Task<HandlerOutcome> HandleAsync(WebhookEvent webhook, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref calls);
        return Work(webhook);
    }
}
