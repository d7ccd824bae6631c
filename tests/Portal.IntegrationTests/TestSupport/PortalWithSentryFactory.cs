namespace Portal.IntegrationTests.TestSupport;

/// <summary>
/// The real host with a <see cref="FakeSentry"/> behind <c>Sentry:BaseUrl</c> that already knows the installation
/// and grant code of <c>sentry-samples/webhook.installation.created.json</c>, so the sample completes like a real
/// install. Nothing in a test run ever reaches the real sentry.io.
/// </summary>
public sealed class PortalWithSentryFactory : PortalFactory, IAsyncLifetime
{
    public const string SampleInstallation = "a8e5d37a-696c-4c54-adb5-b3f28d64c7de";
    public const string SampleCode = "f3c71b491e3949b6b033ae45312a4fcbf3c71b491e3949b6b033ae45312a4fcb";

    public FakeSentry Sentry { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Sentry = await FakeSentry.StartAsync();
        Settings["Sentry:BaseUrl"] = Sentry.BaseUrl.ToString();
        Settings["Sentry:ClientId"] = FakeSentry.ClientId;
        Sentry.IssueGrant(Sentry.AddInstallation(Guid.Parse(SampleInstallation), "test-org", 5), SampleCode);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Sentry is not null)
        {
            await Sentry.DisposeAsync();
        }
    }
}
