using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using Portal.IntegrationTests.TestSupport;
using Portal.Realtime;

namespace Portal.IntegrationTests.SignIn;

/// <summary>
/// A session ends everywhere when it should: signing out or letting it expire closes the hub connections opened
/// with it, and the cookie stops working (sessions live on the server). Access is rechecked every second here.
/// </summary>
public sealed class SessionEndTests : SignInTestHost
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    protected override void Configure(PortalFactory portal)
    {
        base.Configure(portal);
        portal.Settings["SignIn:RecheckInterval"] = "00:00:01";
    }

    [Fact]
    public async Task Signing_out_closes_the_hub_connections_of_that_session_and_its_cookie_stops_working()
    {
        await InstallAsync("acme");
        var jane = await SignInAsync(Sentry.AddUser(123, "Jane Doe", "acme"));
        await using var hub = await SubscribeAsync(jane.Cookie, new ConcurrentQueue<DeliverySummary>());
        var closed = Closed(hub);
        var token = LocalSignIn.AntiforgeryTokenOf(await jane.Browser.GetStringAsync("/", Cancel));

        using var signedOut = await jane.Browser.PostAsync("/signout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }), Cancel);

        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Same(closed, await Task.WhenAny(closed, Task.Delay(Patience, Cancel)));
        using var copied = Browser();
        copied.DefaultRequestHeaders.Add("Cookie", jane.Cookie);
        using var page = await copied.GetAsync("/", Cancel);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/signin", page.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task A_session_left_idle_past_its_timeout_closes_its_hub_connections()
    {
        await InstallAsync("acme");
        var jane = await SignInAsync(Sentry.AddUser(123, "Jane Doe", "acme"));
        await using var hub = await SubscribeAsync(jane.Cookie, new ConcurrentQueue<DeliverySummary>());
        var closed = Closed(hub);
        await Task.Delay(TimeSpan.FromSeconds(2), Cancel);
        Assert.False(closed.IsCompleted);

        Time.Advance(TimeSpan.FromMinutes(31));

        Assert.Same(closed, await Task.WhenAny(closed, Task.Delay(Patience, Cancel)));
    }

    [Fact]
    public async Task The_cookie_carries_a_reference_to_the_session_not_the_persons_claims()
    {
        await InstallAsync("acme");
        var jane = await SignInAsync(Sentry.AddUser(123, "Jane Doe With A Long Name", "acme"));

        await using var db = Portal.OpenDatabase();
        var session = Assert.Single(db.SignInSessions);
        Assert.Equal("123", session.UserId);
        Assert.True(jane.Cookie.Length < 600, $"The session cookie is {jane.Cookie.Length} characters: it should hold a reference, not a ticket.");
    }

    private static Task Closed(HubConnection connection)
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        return closed.Task;
    }
}
