"""Classes of counted groups, scoped disputes, tolls, source aliases (ANALYSIS.md).

Contradictions stored before this gave no scope and were treated as disputes of the
toll; they are marked so before the constraint that needs a scope is added.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


def contradictions_dispute_the_toll(apps, schema_editor):
    attributions = apps.get_model("claims", "Attribution")
    attributions.objects.filter(stance="contradicts", count_low__isnull=True).update(
        disputes="toll"
    )


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0006_flag_fingerprints_by_claim_id'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='GroupTerm',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('term', models.CharField(help_text='Lower case, as it appears in a group.', max_length=100, unique=True)),
                ('group_class', models.CharField(choices=[('people', 'people'), ('civilians', 'civilians'), ('children', 'children'), ('women', 'women'), ('security_forces', 'security forces'), ('fighters', 'fighters'), ('combatants', 'combatants'), ('other', 'other')], max_length=20, verbose_name='class')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'verbose_name': 'group word',
                'ordering': ['group_class', 'term'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalGroupTerm',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('term', models.CharField(db_index=True, help_text='Lower case, as it appears in a group.', max_length=100)),
                ('group_class', models.CharField(choices=[('people', 'people'), ('civilians', 'civilians'), ('children', 'children'), ('women', 'women'), ('security_forces', 'security forces'), ('fighters', 'fighters'), ('combatants', 'combatants'), ('other', 'other')], max_length=20, verbose_name='class')),
                ('created_at', models.DateTimeField(blank=True, editable=False)),
                ('updated_at', models.DateTimeField(blank=True, editable=False)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.TextField(null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': 'historical group word',
                'verbose_name_plural': 'historical group words',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalSourceAlias',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('name', models.CharField(max_length=200)),
                ('key', models.CharField(db_index=True, editable=False, max_length=200)),
                ('created_at', models.DateTimeField(blank=True, editable=False)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.TextField(null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': 'historical source alias',
                'verbose_name_plural': 'historical source aliases',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalToll',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('measure', models.CharField(choices=[('killed', 'killed'), ('injured', 'injured'), ('killed_or_injured', 'killed or injured'), ('missing', 'missing'), ('abducted', 'abducted'), ('captured', 'captured'), ('other', 'other')], max_length=20)),
                ('group', models.CharField(help_text="The counted group's comparison key.", max_length=200)),
                ('group_label', models.CharField(max_length=200, verbose_name='group')),
                ('group_class', models.CharField(choices=[('people', 'people'), ('civilians', 'civilians'), ('children', 'children'), ('women', 'women'), ('security_forces', 'security forces'), ('fighters', 'fighters'), ('combatants', 'combatants'), ('other', 'other')], max_length=20, verbose_name='class')),
                ('low', models.PositiveIntegerField(blank=True, null=True)),
                ('best', models.PositiveIntegerField(blank=True, null=True)),
                ('high', models.PositiveIntegerField(blank=True, null=True)),
                ('basis', models.JSONField(default=dict)),
                ('method', models.TextField(blank=True)),
                ('confirmed', models.BooleanField(default=False)),
                ('confirmed_at', models.DateTimeField(blank=True, null=True)),
                ('override_low', models.PositiveIntegerField(blank=True, null=True)),
                ('override_best', models.PositiveIntegerField(blank=True, null=True)),
                ('override_high', models.PositiveIntegerField(blank=True, null=True)),
                ('override_reason', models.TextField(blank=True)),
                ('updated_at', models.DateTimeField(blank=True, editable=False)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.TextField(null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': 'historical toll',
                'verbose_name_plural': 'historical tolls',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='SourceAlias',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200)),
                ('key', models.CharField(editable=False, max_length=200, unique=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'verbose_name_plural': 'source aliases',
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='Toll',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('measure', models.CharField(choices=[('killed', 'killed'), ('injured', 'injured'), ('killed_or_injured', 'killed or injured'), ('missing', 'missing'), ('abducted', 'abducted'), ('captured', 'captured'), ('other', 'other')], max_length=20)),
                ('group', models.CharField(help_text="The counted group's comparison key.", max_length=200)),
                ('group_label', models.CharField(max_length=200, verbose_name='group')),
                ('group_class', models.CharField(choices=[('people', 'people'), ('civilians', 'civilians'), ('children', 'children'), ('women', 'women'), ('security_forces', 'security forces'), ('fighters', 'fighters'), ('combatants', 'combatants'), ('other', 'other')], max_length=20, verbose_name='class')),
                ('low', models.PositiveIntegerField(blank=True, null=True)),
                ('best', models.PositiveIntegerField(blank=True, null=True)),
                ('high', models.PositiveIntegerField(blank=True, null=True)),
                ('basis', models.JSONField(default=dict)),
                ('method', models.TextField(blank=True)),
                ('confirmed', models.BooleanField(default=False)),
                ('confirmed_at', models.DateTimeField(blank=True, null=True)),
                ('override_low', models.PositiveIntegerField(blank=True, null=True)),
                ('override_best', models.PositiveIntegerField(blank=True, null=True)),
                ('override_high', models.PositiveIntegerField(blank=True, null=True)),
                ('override_reason', models.TextField(blank=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'ordering': ['event', 'measure', 'group'],
                'permissions': [('confirm_toll', "Can confirm or override an event's toll")],
            },
        ),
        migrations.AddField(
            model_name='attribution',
            name='disputes',
            field=models.CharField(blank=True, choices=[('toll', 'the toll'), ('event', 'that the event took place'), ('perpetrator', 'who carried it out')], help_text='For a contradiction: what it disputes. Required when it gives no figure.', max_length=12),
        ),
        migrations.AddField(
            model_name='claim',
            name='corroboration',
            field=models.CharField(choices=[('contested', 'contested'), ('figure_corroborated', 'figure corroborated'), ('event_confirmed', 'event confirmed'), ('single_source', 'single source'), ('unverified', 'unverified')], default='unverified', max_length=20),
        ),
        migrations.AddField(
            model_name='claim',
            name='credibility',
            field=models.PositiveSmallIntegerField(choices=[(1, '1: confirmed by independent sources'), (2, '2: probably true'), (3, '3: possibly true'), (4, '4: doubtful'), (5, '5: improbable'), (6, '6: truth cannot be judged')], default=6),
        ),
        migrations.AddField(
            model_name='claim',
            name='credibility_override',
            field=models.PositiveSmallIntegerField(blank=True, choices=[(1, '1: confirmed by independent sources'), (2, '2: probably true'), (3, '3: possibly true'), (4, '4: doubtful'), (5, '5: improbable'), (6, '6: truth cannot be judged')], null=True),
        ),
        migrations.AddField(
            model_name='claim',
            name='group_class',
            field=models.CharField(choices=[('people', 'people'), ('civilians', 'civilians'), ('children', 'children'), ('women', 'women'), ('security_forces', 'security forces'), ('fighters', 'fighters'), ('combatants', 'combatants'), ('other', 'other')], default='other', max_length=20, verbose_name='class'),
        ),
        migrations.AddField(
            model_name='claim',
            name='group_key',
            field=models.CharField(blank=True, help_text='The group as compared (claims.groups).', max_length=200),
        ),
        migrations.AddField(
            model_name='claim',
            name='group_class_override',
            field=models.CharField(blank=True, choices=[('people', 'people'), ('civilians', 'civilians'), ('children', 'children'), ('women', 'women'), ('security_forces', 'security forces'), ('fighters', 'fighters'), ('combatants', 'combatants'), ('other', 'other')], help_text='Leave empty to take the class from the group words.', max_length=20, verbose_name='class set by hand'),
        ),
        migrations.AddField(
            model_name='claim',
            name='responsibility_disputed',
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name='claim',
            name='superseded',
            field=models.BooleanField(default=False, help_text='Its origin has given a later figure for the same count.'),
        ),
        migrations.AddField(
            model_name='conflictflag',
            name='group_class',
            field=models.CharField(choices=[('people', 'people'), ('civilians', 'civilians'), ('children', 'children'), ('women', 'women'), ('security_forces', 'security forces'), ('fighters', 'fighters'), ('combatants', 'combatants'), ('other', 'other')], default='other', max_length=20, verbose_name='class'),
        ),
        migrations.AddField(
            model_name='conflictflag',
            name='group_label',
            field=models.CharField(blank=True, help_text='The counted group, as written.', max_length=200, verbose_name='group'),
        ),
        migrations.AddField(
            model_name='historicalattribution',
            name='disputes',
            field=models.CharField(blank=True, choices=[('toll', 'the toll'), ('event', 'that the event took place'), ('perpetrator', 'who carried it out')], help_text='For a contradiction: what it disputes. Required when it gives no figure.', max_length=12),
        ),
        migrations.AddField(
            model_name='historicalclaim',
            name='credibility_override',
            field=models.PositiveSmallIntegerField(blank=True, choices=[(1, '1: confirmed by independent sources'), (2, '2: probably true'), (3, '3: possibly true'), (4, '4: doubtful'), (5, '5: improbable'), (6, '6: truth cannot be judged')], null=True),
        ),
        migrations.AddField(
            model_name='historicalclaim',
            name='group_class_override',
            field=models.CharField(blank=True, choices=[('people', 'people'), ('civilians', 'civilians'), ('children', 'children'), ('women', 'women'), ('security_forces', 'security forces'), ('fighters', 'fighters'), ('combatants', 'combatants'), ('other', 'other')], help_text='Leave empty to take the class from the group words.', max_length=20, verbose_name='class set by hand'),
        ),
        migrations.AddField(
            model_name='historicalconflictflag',
            name='group_class',
            field=models.CharField(choices=[('people', 'people'), ('civilians', 'civilians'), ('children', 'children'), ('women', 'women'), ('security_forces', 'security forces'), ('fighters', 'fighters'), ('combatants', 'combatants'), ('other', 'other')], default='other', max_length=20, verbose_name='class'),
        ),
        migrations.AddField(
            model_name='historicalconflictflag',
            name='group_label',
            field=models.CharField(blank=True, help_text='The counted group, as written.', max_length=200, verbose_name='group'),
        ),
        migrations.AlterField(
            model_name='attribution',
            name='count_qualifier',
            field=models.CharField(blank=True, choices=[('exact', 'exactly'), ('at_least', 'at least'), ('at_most', 'at most'), ('approx', 'approximately'), ('range', 'range'), ('vague', 'vague amount'), ('provisional', 'provisional (a lower bound)'), ('hedged', 'hedged (may, feared, unconfirmed)')], max_length=12),
        ),
        migrations.AlterField(
            model_name='claim',
            name='count_qualifier',
            field=models.CharField(choices=[('exact', 'exactly'), ('at_least', 'at least'), ('at_most', 'at most'), ('approx', 'approximately'), ('range', 'range'), ('vague', 'vague amount'), ('provisional', 'provisional (a lower bound)'), ('hedged', 'hedged (may, feared, unconfirmed)')], max_length=12),
        ),
        migrations.AlterField(
            model_name='claim',
            name='count_text',
            field=models.CharField(max_length=200, verbose_name='count as written'),
        ),
        migrations.AlterField(
            model_name='claim',
            name='group',
            field=models.CharField(help_text='Who was counted, as the source put it.', max_length=200),
        ),
        migrations.AlterField(
            model_name='conflictflag',
            name='group',
            field=models.CharField(help_text="The counted group's comparison key.", max_length=200),
        ),
        migrations.AlterField(
            model_name='historicalattribution',
            name='count_qualifier',
            field=models.CharField(blank=True, choices=[('exact', 'exactly'), ('at_least', 'at least'), ('at_most', 'at most'), ('approx', 'approximately'), ('range', 'range'), ('vague', 'vague amount'), ('provisional', 'provisional (a lower bound)'), ('hedged', 'hedged (may, feared, unconfirmed)')], max_length=12),
        ),
        migrations.AlterField(
            model_name='historicalclaim',
            name='count_qualifier',
            field=models.CharField(choices=[('exact', 'exactly'), ('at_least', 'at least'), ('at_most', 'at most'), ('approx', 'approximately'), ('range', 'range'), ('vague', 'vague amount'), ('provisional', 'provisional (a lower bound)'), ('hedged', 'hedged (may, feared, unconfirmed)')], max_length=12),
        ),
        migrations.AlterField(
            model_name='historicalclaim',
            name='count_text',
            field=models.CharField(max_length=200, verbose_name='count as written'),
        ),
        migrations.AlterField(
            model_name='historicalclaim',
            name='group',
            field=models.CharField(help_text='Who was counted, as the source put it.', max_length=200),
        ),
        migrations.AlterField(
            model_name='historicalconflictflag',
            name='group',
            field=models.CharField(help_text="The counted group's comparison key.", max_length=200),
        ),
        migrations.AddIndex(
            model_name='claim',
            index=models.Index(fields=['corroboration', 'created_at'], name='claim_corroboration'),
        ),
        migrations.RunPython(contradictions_dispute_the_toll, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='attribution',
            constraint=models.CheckConstraint(condition=models.Q(('disputes', ''), ('stance', 'contradicts'), _connector='OR'), name='attribution_only_contradictions_dispute', violation_error_message='Only a contradiction says what it disputes.'),
        ),
        migrations.AddConstraint(
            model_name='attribution',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('stance', 'contradicts'), _negated=True), models.Q(('disputes', ''), _negated=True), ('count_low__isnull', False), _connector='OR'), name='attribution_contradiction_has_scope', violation_error_message='A contradiction without a figure must say what it disputes: the toll, the event, or who carried it out.'),
        ),
        migrations.AddConstraint(
            model_name='groupterm',
            constraint=models.CheckConstraint(condition=models.Q(('group_class', 'other'), _negated=True), name='group_term_names_a_class', violation_error_message='A group word must name a class other than “other”.'),
        ),
        migrations.AddField(
            model_name='historicalgroupterm',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalsourcealias',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalsourcealias',
            name='source',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='claims.source'),
        ),
        migrations.AddField(
            model_name='historicaltoll',
            name='confirmed_by',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicaltoll',
            name='event',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='claims.event'),
        ),
        migrations.AddField(
            model_name='historicaltoll',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='sourcealias',
            name='source',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='aliases', to='claims.source'),
        ),
        migrations.AddField(
            model_name='toll',
            name='confirmed_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='confirmed_tolls', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='toll',
            name='event',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='tolls', to='claims.event'),
        ),
        migrations.AddConstraint(
            model_name='toll',
            constraint=models.UniqueConstraint(fields=('event', 'measure', 'group'), name='one_toll_per_event_measure_group'),
        ),
        migrations.AddConstraint(
            model_name='toll',
            constraint=models.CheckConstraint(condition=models.Q(('override_best__isnull', True), models.Q(('override_low__lte', models.F('override_best')), ('override_best__lte', models.F('override_high'))), _connector='OR'), name='toll_override_in_order', violation_error_message='An override needs low ≤ best ≤ high.'),
        ),
    ]
