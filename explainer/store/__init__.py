"""The fact store: records, loading data/ with positions, its schema, the number checks, and the one tables of derived operations and units; dates and numbers as sources and readers write them."""
