using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Portal.SignIn;

/// <summary>
/// When the person last did something on an open page (any message from the browser): a page in use keeps its
/// session alive as requests would, and an abandoned one lets it expire.
/// </summary>
internal sealed class CircuitActivity(TimeProvider time) : CircuitHandler
{
    private long lastActivityTicks;

    public DateTimeOffset LastActivity => new(Interlocked.Read(ref lastActivityTicks), TimeSpan.Zero);

    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        context =>
        {
            Interlocked.Exchange(ref lastActivityTicks, time.GetUtcNow().UtcTicks);
            return next(context);
        };
}
