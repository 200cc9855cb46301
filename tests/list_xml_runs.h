/* tests/list_xml_runs.h - tests of tests/test_xml_runs.c, in running order. */
TEST_DECLARE(einv_xml_scan_finds_runs)
TEST_DECLARE(einv_xml_scan_leaves_other_texts)
TEST_DECLARE(einv_xml_runs_same_tree)
TEST_DECLARE(einv_xml_runs_text_and_lines)
TEST_DECLARE(einv_xml_runs_malformed_parsed_again)
