using Microsoft.EntityFrameworkCore;
using Portal.Automations;
using Portal.Data;
using Portal.Tenancy;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Automations;

/// <summary>
/// Routing by code owners on a real database: the first owner Sentry can take.
/// </summary>
public sealed class CodeOwnersRoutingTests : IAsyncLifetime
{
    private const long Organization = 4100;

    private readonly ProcessingServices services = new();

    // The error sample's first in-app frame is checkout/views.py.
    private readonly EventFacts facts = ConditionCheckTests.Facts("webhook.error.created.json", "error", "created");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await services.StartAsync();
        await services.AddOrganizationAsync(Organization);
    }

    public ValueTask DisposeAsync() => services.DisposeAsync();

    [Fact]
    public async Task A_github_handle_is_passed_over_for_the_lines_next_owner_and_the_result_says_why()
    {
        var routing = NewInstance();
        await SaveAsync(routing, "checkout/ @jane @acme/payments jane@example.com");

        var (assignee, why) = await routing.OwnerOfAsync(Organization, facts, Cancel);

        Assert.Equal("jane@example.com", assignee);
        Assert.Equal("checkout/views.py: CODEOWNERS line 1 (checkout/); passed over @jane is a GitHub handle; Sentry needs an email, user:<id> or team:<id>; "
            + "@acme/payments is a GitHub team; Sentry needs team:<id>", why);
    }

    [Fact]
    public async Task A_line_of_only_github_handles_assigns_no_one_and_says_why()
    {
        var routing = NewInstance();
        await SaveAsync(routing, "checkout/ @jane");

        var (assignee, why) = await routing.OwnerOfAsync(Organization, facts, Cancel);

        Assert.Null(assignee);
        Assert.Equal("checkout/views.py: CODEOWNERS line 1 (checkout/) names no owner Sentry can assign (@jane is a GitHub handle; Sentry needs an email, user:<id> or team:<id>)", why);
    }

    private CodeOwnersRouting NewInstance() => new(services.Get<IDbContextFactory<PortalDbContext>>(), services.Clock);

    private static async Task SaveAsync(CodeOwnersRouting routing, string text) =>
        Assert.Null(await routing.SaveAsync(AccessScope.Managing(Organization), Organization, text, "admin", Cancel));
}
