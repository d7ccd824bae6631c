using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Converters;
using Portal.Data.Entities;

namespace Portal.Data;

/// <summary>The portal's storage: installations, deliveries and everything built on them.</summary>
/// <remarks>
/// Add a migration with
/// <c>dotnet ef migrations add &lt;Name&gt; --project src/Portal.Data --startup-project src/Portal</c>.
/// </remarks>
public sealed class PortalDbContext(DbContextOptions<PortalDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();

    public DbSet<Organization> Organizations => Set<Organization>();

    public DbSet<Installation> Installations => Set<Installation>();

    public DbSet<Ticket> Tickets => Set<Ticket>();

    public DbSet<IssueLink> IssueLinks => Set<IssueLink>();

    public DbSet<TicketComment> TicketComments => Set<TicketComment>();

    public DbSet<OrganizationPerson> OrganizationPeople => Set<OrganizationPerson>();

    public DbSet<CodeMapping> CodeMappings => Set<CodeMapping>();

    public DbSet<AlertRuleTrigger> AlertRuleTriggers => Set<AlertRuleTrigger>();

    public DbSet<ServiceHook> ServiceHooks => Set<ServiceHook>();

    public DbSet<SignInSession> SignInSessions => Set<SignInSession>();

    public DbSet<AutomationRule> AutomationRules => Set<AutomationRule>();

    public DbSet<AutomationRun> AutomationRuns => Set<AutomationRun>();

    public DbSet<AutomationEvaluation> AutomationEvaluations => Set<AutomationEvaluation>();

    public DbSet<AutomationSighting> AutomationSightings => Set<AutomationSighting>();

    public DbSet<CodeOwnersFile> CodeOwnersFiles => Set<CodeOwnersFile>();

    /// <summary>
    /// The Data Protection key ring on PostgreSQL, where every instance must read the keys that protected a token.
    /// SQLite (one instance) keeps its ring in files beside the database instead, and this table stays empty.
    /// </summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        // Lower-case "D" text, the form the ingest writer binds without EF Core.
        configurationBuilder.Properties<Guid>().HaveConversion<string>().HaveMaxLength(36);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);
        modelBuilder.HasDbFunction(typeof(SqlLike).GetMethod(nameof(SqlLike.Lower))!).HasName("lower").IsBuiltIn();
    }
}
