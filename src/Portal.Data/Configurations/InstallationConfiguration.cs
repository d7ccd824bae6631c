using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;

namespace Portal.Data.Configurations;

internal sealed class InstallationConfiguration : IEntityTypeConfiguration<Installation>
{
    public void Configure(EntityTypeBuilder<Installation> builder)
    {
        builder.ToTable("Installations");
        builder.HasKey(i => i.Id);
        builder.HasIndex(i => i.Uuid).IsUnique();
        builder.HasIndex(i => i.OrganizationId);
        builder.Property(i => i.AppSlug).HasMaxLength(100);
        builder.Property(i => i.LastRefreshError).HasMaxLength(1000);
        builder.Property(i => i.VerificationError).HasMaxLength(1000);
        builder.Property(i => i.ConcurrencyToken).IsConcurrencyToken();
        builder.Property(i => i.GrantCodeSha256).HasMaxLength(32);
        builder.HasOne(i => i.Organization).WithMany().HasForeignKey(i => i.OrganizationId).OnDelete(DeleteBehavior.Restrict);
    }
}
