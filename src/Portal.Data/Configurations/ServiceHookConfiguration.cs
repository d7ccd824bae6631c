using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;

namespace Portal.Data.Configurations;

internal sealed class ServiceHookConfiguration : IEntityTypeConfiguration<ServiceHook>
{
    public void Configure(EntityTypeBuilder<ServiceHook> builder)
    {
        builder.ToTable("ServiceHooks");
        builder.HasKey(h => h.Id);
        builder.HasIndex(h => h.HookId).IsUnique();
        builder.Property(h => h.HookId).HasMaxLength(32);
        builder.HasIndex(h => h.OrganizationId);
        builder.HasOne(h => h.Organization).WithMany().HasForeignKey(h => h.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(h => h.ProjectSlug).HasMaxLength(100);
        builder.Property(h => h.ProtectedSecret).HasMaxLength(2000);
        builder.Property(h => h.SecretHint).HasMaxLength(4);
        builder.Property(h => h.CreatedBy).HasMaxLength(200);
    }
}
