{{ accepted_rows('base_product__product_events') }}
