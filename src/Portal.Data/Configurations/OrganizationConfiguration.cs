using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;

namespace Portal.Data.Configurations;

internal sealed class OrganizationConfiguration : IEntityTypeConfiguration<Organization>
{
    public void Configure(EntityTypeBuilder<Organization> builder)
    {
        builder.ToTable("Organizations");
        builder.HasKey(o => o.Id);

        // Sentry's id, not ours.
        builder.Property(o => o.Id).ValueGeneratedNever();
        builder.Property(o => o.Slug).HasMaxLength(100);
        builder.Ignore(o => o.IsProvisional);
    }
}
