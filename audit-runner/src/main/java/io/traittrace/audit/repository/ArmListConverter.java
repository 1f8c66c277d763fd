package io.traittrace.audit.repository;

import java.util.Arrays;
import java.util.List;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/**
 * A run's arms as one comma-separated column: reactive Hibernate binds JSON columns as objects only, and arm
 * names (validated by the planner) never contain commas.
 */
@Converter
public class ArmListConverter implements AttributeConverter<List<String>, String> {

    @Override
    public String convertToDatabaseColumn(List<String> arms) {
        return String.join(",", arms);
    }

    @Override
    public List<String> convertToEntityAttribute(String column) {
        return List.copyOf(Arrays.asList(column.split(",")));
    }
}
