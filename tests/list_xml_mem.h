/* tests/list_xml_mem.h - tests of tests/test_xml_mem.c, in running order. */
TEST_DECLARE(einv_xml_mem_many_documents_alive)
TEST_DECLARE(einv_xml_mem_freed_on_another_thread)
TEST_DECLARE(einv_xml_mem_tree_changed_after_parse)
TEST_DECLARE(einv_xml_mem_region_overflow)
TEST_DECLARE(einv_xml_mem_catalog_pi_ignored)
