using Microsoft.Extensions.DependencyInjection;
using Portal.SignIn;
using Portal.Tests.TestSupport;
using Portal.Tickets;

namespace Portal.Tests.Tickets;

public sealed class OrganizationPeopleTests() : PortalComponentTest(TicketServices.Add)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Whoever_signs_in_becomes_an_assignee_choice_in_their_organizations_that_installed_the_app_only()
    {
        Install(42, "acme");
        AddOrganization(43, "globex");
        var people = Services.GetRequiredService<OrganizationPeople>();

        await people.SignedInAsync(new SignedInPerson("7", "Jane Doe", [42, 43, 44]), Cancel);
        await people.SignedInAsync(new SignedInPerson("7", "Jane Doe", [42]), Cancel);

        using var db = OpenDatabase();
        var person = Assert.Single(db.OrganizationPeople);
        Assert.Equal((42L, "7"), (person.OrganizationId, person.SentryUserId));
        Assert.Equal("Jane Doe", await OrganizationPeople.NameOfAsync(db, 42, "7", Cancel));
        Assert.Null(await OrganizationPeople.NameOfAsync(db, 43, "7", Cancel));
    }
}
