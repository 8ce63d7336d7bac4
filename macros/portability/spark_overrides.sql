{#-
    Spark-only overrides of dbt's own macros (dbt looks in the root project first for the
    macros it dispatches). DuckDB and PostgreSQL never reach these.
-#}

{#-
    Model contracts name PostgreSQL/DuckDB types (text, float8, ...), which Spark SQL does not
    know. The contract's empty-schema query casts to the Spark name of the same type, so the
    contracts stay enforced on Spark too.
-#}
{% macro spark__get_empty_schema_sql(columns) -%}
    {%- set spark_types = {
        'text': 'string', 'varchar': 'string', 'character varying': 'string',
        'float8': 'double', 'double precision': 'double', 'float4': 'float', 'real': 'float',
        'int8': 'bigint', 'int4': 'int', 'int2': 'smallint', 'integer': 'int',
        'bool': 'boolean', 'timestamp without time zone': 'timestamp',
    } -%}
    {%- set translated = {} -%}
    {%- for name in columns -%}
        {%- set column = {} -%}
        {%- do column.update(columns[name]) -%}
        {%- if column.get('data_type') -%}
            {%- set data_type = column['data_type'] | trim | lower -%}
            {%- do column.update({'data_type': spark_types.get(data_type, column['data_type'])}) -%}
        {%- endif -%}
        {%- do translated.update({name: column}) -%}
    {%- endfor -%}
    {{ return(default__get_empty_schema_sql(translated)) }}
{%- endmacro %}

{#-
    dbt-spark's listagg ignores its order by (it only warns), so "top drivers" would come out
    in any order. Sort a list of (sort key, value) structs instead; one ascending key.
-#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- if order_by_clause -%}
        {%- set sort_key = (order_by_clause | lower).replace('order by', '') | trim -%}
        {%- if ',' in sort_key or sort_key.endswith(' desc') -%}
            {{ exceptions.raise_compiler_error('listagg on Spark sorts by one ascending column') }}
        {%- endif -%}
        {%- set collected -%}
            transform(
                array_sort(collect_list(struct({{ sort_key }} as sort_key, {{ measure }} as item))),
                entry -> entry.item
            )
        {%- endset -%}
    {%- else -%}
        {%- set collected = 'collect_list(' ~ measure ~ ')' -%}
    {%- endif -%}
    {%- if limit_num -%}
        {%- set collected = 'slice(' ~ collected ~ ', 1, ' ~ limit_num ~ ')' -%}
    {%- endif -%}
    array_join({{ collected }}, {{ delimiter_text }})
{%- endmacro %}

{#-
    dbt-spark's session cursor pastes seed values into the insert without escaping them, so a
    quote in a seed (a description) breaks the statement. Write escaped literals instead.
-#}
{% macro spark__load_csv_rows(model, agate_table) -%}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for col_name in agate_table.column_names -%}
                    {%- set value = row[loop.index0] -%}
                    {%- set type = column_override.get(col_name, adapter.convert_type(agate_table, loop.index0)) -%}
                    {%- if value is none -%}
                        cast(null as {{ type }})
                    {%- else -%}
                        cast('{{ (value | string).replace("\\", "\\\\").replace("'", "\\'") }}' as {{ type }})
                    {%- endif -%}
                    {{- ', ' if not loop.last }}
                {%- endfor -%}){{ ',' if not loop.last }}
            {% endfor -%}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.first -%}{%- do statements.append(sql) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(statements[0] if statements else "") }}
{%- endmacro %}

{#-
    Hours, minutes and seconds between two timestamps count the boundaries crossed, as
    DuckDB's date_diff and dbt-postgres do (10:00:59 to 10:01:00 is one minute); dbt-spark
    rounds the elapsed seconds up instead. Whole days and longer keep dbt-spark's macro.
-#}
{% macro spark__datediff(first_date, second_date, datepart) -%}
    {%- set seconds = {'hour': 3600, 'minute': 60, 'second': 1} -%}
    {%- if datepart in seconds -%}
        ((unix_timestamp(date_trunc('{{ datepart }}', {{ second_date }}))
        - unix_timestamp(date_trunc('{{ datepart }}', {{ first_date }}))) div {{ seconds[datepart] }})
    {%- else -%}
        {{ dbt.spark__datediff(first_date, second_date, datepart) }}
    {%- endif -%}
{%- endmacro %}
