using Microsoft.EntityFrameworkCore;
using Portal.Automations;
using Portal.Data;
using Portal.Tenancy;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Automations;

/// <summary>
/// Routing by code owners on a real database: the first owner Sentry can take, and the parsed CODEOWNERS kept until
/// its stored version changes — by a save on this instance or on another.
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

    [Fact]
    public async Task The_parsed_file_is_kept_until_a_save_here_or_on_another_instance_changes_its_version()
    {
        var here = NewInstance();
        var elsewhere = NewInstance();
        await SaveAsync(here, "checkout/ jane@example.com");
        Assert.Equal("jane@example.com", (await here.OwnerOfAsync(Organization, facts, Cancel)).Assignee);

        // The text changed under the same version (never done by a save): the cached parse still answers.
        await using (var db = services.OpenDatabase())
        {
            await db.CodeOwnersFiles.Where(f => f.OrganizationId == Organization).ExecuteUpdateAsync(u => u.SetProperty(f => f.Text, "checkout/ joan@example.com"), Cancel);
        }

        Assert.Equal("jane@example.com", (await here.OwnerOfAsync(Organization, facts, Cancel)).Assignee);

        // Another instance saves at the same clock reading: the version still moves, and this instance parses again.
        await SaveAsync(elsewhere, "checkout/ mary@example.com");
        Assert.Equal("mary@example.com", (await here.OwnerOfAsync(Organization, facts, Cancel)).Assignee);

        await SaveAsync(here, "checkout/ team:4");
        Assert.Equal("team:4", (await here.OwnerOfAsync(Organization, facts, Cancel)).Assignee);

        await using (var db = services.OpenDatabase())
        {
            await db.CodeOwnersFiles.Where(f => f.OrganizationId == Organization).ExecuteDeleteAsync(Cancel);
        }

        Assert.Equal((null, "the organization has no CODEOWNERS yet (Automations page)"), await here.OwnerOfAsync(Organization, facts, Cancel));
    }

    private CodeOwnersRouting NewInstance() => new(services.Get<IDbContextFactory<PortalDbContext>>(), services.Clock);

    private static async Task SaveAsync(CodeOwnersRouting routing, string text) =>
        Assert.Null(await routing.SaveAsync(AccessScope.Managing(Organization), Organization, text, "admin", Cancel));
}
