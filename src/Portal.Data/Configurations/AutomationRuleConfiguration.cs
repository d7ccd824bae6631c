using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;

namespace Portal.Data.Configurations;

internal sealed class AutomationRuleConfiguration : IEntityTypeConfiguration<AutomationRule>
{
    public void Configure(EntityTypeBuilder<AutomationRule> builder)
    {
        builder.ToTable("AutomationRules");
        builder.HasKey(r => r.Id);

        // The processor reads an organization's rules in order; so do the pages.
        builder.HasIndex(r => new { r.OrganizationId, r.Position });
        builder.HasOne(r => r.Organization).WithMany().HasForeignKey(r => r.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(r => r.Name).HasMaxLength(Limits.RuleName);
        builder.Property(r => r.Projects).HasMaxLength(2_000);
        builder.Property(r => r.Triggers).HasMaxLength(2_000);
        builder.Property(r => r.Conditions).HasMaxLength(Limits.RuleDefinition);
        builder.Property(r => r.Actions).HasMaxLength(Limits.RuleDefinition);
        builder.Property(r => r.CreatedBy).HasMaxLength(200);
        builder.Property(r => r.ProtectedSigningSecret).HasMaxLength(1_000);
    }
}

internal sealed class AutomationRunConfiguration : IEntityTypeConfiguration<AutomationRun>
{
    public void Configure(EntityTypeBuilder<AutomationRun> builder)
    {
        builder.ToTable("AutomationRuns");
        builder.HasKey(r => r.Id);

        // At most once per (rule, delivery), whichever instance or retry gets there first.
        builder.HasIndex(r => new { r.RuleId, r.DeliveryId }).IsUnique();

        // The pages list a rule's recent runs; the storm limit counts the actions of those that acted in its window.
        builder.HasIndex(r => new { r.RuleId, r.At });
        builder.HasIndex(r => new { r.RuleId, r.ActedAt });
        builder.HasIndex(r => r.DeliveryId);

        // The worker takes the due runs in order.
        builder.HasIndex(r => r.NextAttemptAt);
        builder.HasOne(r => r.Rule).WithMany().HasForeignKey(r => r.RuleId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(r => r.Actions).HasMaxLength(Limits.RuleDefinition);
        builder.Property(r => r.Results).HasMaxLength(Limits.RuleDefinition);
    }
}

internal sealed class AutomationEvaluationConfiguration : IEntityTypeConfiguration<AutomationEvaluation>
{
    public void Configure(EntityTypeBuilder<AutomationEvaluation> builder)
    {
        builder.ToTable("AutomationEvaluations");
        builder.HasKey(e => e.DeliveryId);
        builder.Property(e => e.DeliveryId).ValueGeneratedNever();
        builder.HasIndex(e => new { e.OrganizationId, e.At });
    }
}

internal sealed class AutomationSightingConfiguration : IEntityTypeConfiguration<AutomationSighting>
{
    public void Configure(EntityTypeBuilder<AutomationSighting> builder)
    {
        builder.ToTable("AutomationSightings");
        builder.HasKey(s => new { s.RuleId, s.DeliveryId });

        // Frequency conditions count a rule's sightings in a recent window.
        builder.HasIndex(s => new { s.RuleId, s.At });
        builder.HasIndex(s => new { s.OrganizationId, s.At });
        builder.HasOne<AutomationRule>().WithMany().HasForeignKey(s => s.RuleId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(s => s.EventId).HasMaxLength(64);
    }
}

internal sealed class CodeOwnersFileConfiguration : IEntityTypeConfiguration<CodeOwnersFile>
{
    public void Configure(EntityTypeBuilder<CodeOwnersFile> builder)
    {
        builder.ToTable("CodeOwnersFiles");
        builder.HasKey(f => f.OrganizationId);
        builder.Property(f => f.OrganizationId).ValueGeneratedNever();
        builder.HasOne<Organization>().WithMany().HasForeignKey(f => f.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(f => f.Text).HasMaxLength(Limits.CodeOwners);
        builder.Property(f => f.UpdatedBy).HasMaxLength(200);
    }
}
